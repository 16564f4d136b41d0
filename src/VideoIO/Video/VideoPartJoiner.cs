using System.Globalization;
using System.Text;
using ClipLit.Core.Files;

namespace ClipLit.VideoIO.Video;

/// <summary>One enhanced part of a video: a file holding frames <paramref name="Start"/> up to <paramref name="End"/> (display order), video only, with their original timestamps.</summary>
/// <param name="Path">The part's file (the same container as the output).</param>
/// <param name="Start">The first frame it holds.</param>
/// <param name="End">One past the last.</param>
public sealed record VideoPart(string Path, int Start, int End);

/// <summary>
/// Puts a video together from its enhanced parts without re-encoding: ffmpeg's concat demuxer
/// reads the parts in order (each part's duration given exactly, the next part's first timestamp
/// minus its own, so no part is shifted by a guessed last-frame duration), and the original file's
/// audio, subtitles, metadata and chapters are stream-copied beside it as a whole run copies them.
/// The result is checked against the original: the same number of frames at the same timestamps.
/// Thread-safety: stateless. The output file belongs to the caller (a temporary name, renamed when
/// this returns).
/// </summary>
public static class VideoPartJoiner
{
    /// <param name="source">The original video (its frames' timestamps, and the streams to carry over).</param>
    /// <param name="parts">Parts covering every frame of <paramref name="source"/> once, in order.</param>
    /// <param name="outputPath">Where ffmpeg writes (a temporary name).</param>
    /// <param name="finalPath">The name the output will get (its extension picks the container).</param>
    /// <param name="cancellation">Stops ffmpeg; the output is then incomplete.</param>
    /// <exception cref="VideoFileException">The parts do not cover the video, ffmpeg failed, or the result's frames or timestamps are not the original's.</exception>
    public static async Task JoinAsync(VideoInfo source, IReadOnlyList<VideoPart> parts, string outputPath, string finalPath, CancellationToken cancellation)
    {
        CheckCoverage(source, parts, finalPath);
        string extension = Path.GetExtension(finalPath).ToLowerInvariant();
        string muxer = VideoFrameWriter.MuxerFor(extension) ?? throw new VideoFileException(finalPath, $"unsupported video extension '{extension}'");
        // The list is line-based: a part's name with a line break could add lines of its own to it.
        if (parts.FirstOrDefault(p => FfmpegTools.HasControlCharacters(Path.GetFullPath(p.Path))) is { } odd)
            throw new VideoFileException(finalPath, $"a part's path holds a control character ({odd.Path.ReplaceLineEndings(" ")}); move the job to a folder without one");
        // The list is a temporary of its own (locked, so a sweep takes it only once this run is gone), never renamed.
        using var list = TemporaryFile.Create(outputPath + ".ffconcat");
        await list.Stream.WriteAsync(Encoding.UTF8.GetBytes(ConcatList(source, parts)), cancellation);
        await list.Stream.FlushAsync(cancellation);
        List<string> arguments =
        [
            "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error",
            "-f", "concat", "-safe", "0", "-i", FfmpegTools.FileArgument(list.Path), "-i", FfmpegTools.FileArgument(source.Path),
            "-map", "0:v:0", "-map", "1:a?", "-map", "1:s?", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy",
            .. VideoFrameWriter.ContainerArguments(source, extension),
            "-f", muxer, "-y", FfmpegTools.FileArgument(outputPath),
        ];
        string? encoderError;
        await using (var ffmpeg = FfmpegProcess.Start(finalPath, arguments))
        {
            await ffmpeg.WaitForExitAsync(cancellation);
            encoderError = ffmpeg.LastErrorLine()?.Replace(FfmpegTools.FileArgument(outputPath), finalPath, StringComparison.Ordinal);
            if (ffmpeg.ExitCode != 0)
                throw new VideoFileException(finalPath, $"ffmpeg could not join the parts ({encoderError ?? $"exit code {ffmpeg.ExitCode}"})");
        }
        CheckFrames(source, VideoOutputCheck.Verify(outputPath, finalPath, source.FrameCount, source, encoderError), finalPath);
    }

    private static void CheckCoverage(VideoInfo source, IReadOnlyList<VideoPart> parts, string finalPath)
    {
        int next = 0;
        foreach (var part in parts)
        {
            if (part.Start != next || part.End <= part.Start)
                throw new VideoFileException(finalPath, $"the parts do not follow each other: {Path.GetFileName(part.Path)} holds frames {part.Start}..{part.End - 1}, frame {next} was next");
            next = part.End;
        }
        if (next != source.FrameCount)
            throw new VideoFileException(finalPath, $"the parts hold {next} of {source.FrameCount} frames");
    }

    /// <summary>ffconcat: each part with its exact duration (up to the next part's first frame) but the last, whose own length stands.</summary>
    private static string ConcatList(VideoInfo source, IReadOnlyList<VideoPart> parts)
    {
        var text = new StringBuilder("ffconcat version 1.0\n");
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            text.Append("file '").Append(Path.GetFullPath(part.Path).Replace("'", @"'\''", StringComparison.Ordinal)).Append("'\n");
            if (i == parts.Count - 1) continue;
            long duration = source.FrameTimestamps[part.End] - source.FrameTimestamps[part.Start];
            text.Append("duration ").Append((duration / 1e6).ToString("F6", CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// The joined video has the original's frames: as many, each at the original's timestamp within
    /// half a tick of the coarser time base (rounding: Matroska keeps milliseconds, so 29.97 fps
    /// frames move by up to half of one there, as a whole run's do).
    /// </summary>
    private static void CheckFrames(VideoInfo source, VideoInfo joined, string finalPath)
    {
        if (joined.FrameCount != source.FrameCount)
            throw new VideoFileException(finalPath, $"the joined video has {joined.FrameCount} frames, the original {source.FrameCount}");
        double tolerance = Math.Max(1, 1e6 / Math.Min(source.TimeBaseDenominator, joined.TimeBaseDenominator) / 2);
        for (int i = 0; i < source.FrameCount; i++)
        {
            if (Math.Abs(joined.FrameTimestamps[i] - source.FrameTimestamps[i]) > tolerance)
                throw new VideoFileException(finalPath,
                    $"frame {i} of the joined video is at {joined.FrameTimestamps[i]} µs, the original's at {source.FrameTimestamps[i]} µs");
        }
    }
}
