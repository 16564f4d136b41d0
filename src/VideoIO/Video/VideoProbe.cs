using System.Globalization;
using FFMpegCore;
using FFMpegCore.Exceptions;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Reads a video file's <see cref="VideoInfo"/> with ffprobe (through FFMpegCore): the streams, and
/// every video packet's presentation time, which in display order are the frames' timestamps
/// (exact for variable frame rates, where a nominal rate would be wrong).
/// Thread-safety: stateless.
/// </summary>
public static class VideoProbe
{
    /// <summary>Extensions treated as video when a folder is given as input.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi",
    };

    public static bool HasVideoExtension(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <exception cref="VideoFileException">The file is missing, empty, not a media file, has no video, or ffmpeg is missing.</exception>
    public static VideoInfo Probe(string path, CancellationToken cancellation = default)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new VideoFileException(path, Directory.Exists(path) ? "is a folder, not a video file" : "no such file");
        if (file.Length == 0) throw new VideoFileException(path, "empty file (0 bytes)");
        FfmpegTools.EnsureAvailable(path);

        IMediaAnalysis analysis;
        try
        {
            analysis = FFProbe.Analyse(path);
        }
        catch (Exception e) when (e is FFProbeException or FFMpegException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new VideoFileException(path, $"not a video file ffprobe can read ({FirstLine(e).Replace(path + ": ", "")})", e);
        }

        var video = analysis.VideoStreams.FirstOrDefault(s => s.Disposition?.GetValueOrDefault("attached_pic") != true);
        if (video is null)
            throw new VideoFileException(path, analysis.AudioStreams.Count > 0 ? "has no video stream (audio only)" : "has no video stream");
        if (video.Width is not > 0 || video.Height is not > 0)
            throw new VideoFileException(path, "the video stream has no picture size (corrupt header)");

        cancellation.ThrowIfCancellationRequested();
        var (timestamps, timeBase, keyframes, start) = FrameTimestamps(path, video.Index);
        if (timestamps.Count == 0) throw new VideoFileException(path, "the video stream has no frames");

        bool quarterTurn = Math.Abs(video.Rotation) % 180 == 90;
        int width = quarterTurn ? video.Height!.Value : video.Width!.Value;
        int height = quarterTurn ? video.Width!.Value : video.Height!.Value;
        return new VideoInfo(
            path, width, height, timestamps, timeBase,
            video.RealFrameRate > 0 ? video.RealFrameRate : video.AverageFrameRate,
            IsVariable(timestamps),
            video.CodecName ?? "unknown",
            video.PixelFormat ?? "unknown",
            BitsPerChannel(video),
            video.Rotation,
            analysis.Format.FormatName ?? "unknown",
            analysis.AudioStreams.Count,
            analysis.SubtitleStreams.Count,
            keyframes,
            start);
    }

    /// <summary>
    /// The video packets' presentation times in display order (microseconds from the first), the
    /// stream's time-base denominator, the display-order indices of keyframes (packets flagged K)
    /// and the first frame's time in the file (microseconds).
    /// </summary>
    private static (IReadOnlyList<long> Timestamps, long TimeBase, IReadOnlyList<int> Keyframes, long Start) FrameTimestamps(string path, int streamIndex)
    {
        var packets = FFProbe.GetPackets(path, customArguments: $"-select_streams {streamIndex}").Packets
            .Where(p => p.StreamIndex == streamIndex)
            .ToList();
        var times = new List<long>(packets.Count);
        var keyTimes = new List<long>();
        long timeBase = 0;
        long bestPts = 0;
        foreach (var packet in packets)
        {
            bool hasPts = TryParseSeconds(packet.PtsTime, out double seconds);
            if (!hasPts && !TryParseSeconds(packet.DtsTime, out seconds)) continue;
            long time = (long)Math.Round(seconds * 1e6);
            times.Add(time);
            if (packet.Flags?.Contains('K') == true) keyTimes.Add(time);
            long pts = hasPts ? packet.Pts : packet.Dts;
            if (pts > bestPts && seconds > 0)
            {
                bestPts = pts;
                timeBase = (long)Math.Round(pts / seconds);
            }
        }
        times.Sort();
        long first = times.Count > 0 ? times[0] : 0;
        // Keyframes by display index: a keyframe's time is one of the frames' (sorted, so a binary search finds it).
        var keyframes = keyTimes.Select(t => times.BinarySearch(t)).Where(i => i > 0).Prepend(0).Distinct().Order().ToList();
        for (int i = 0; i < times.Count; i++) times[i] -= first;
        return (times, timeBase > 0 ? timeBase : 1_000_000, keyframes, first);
    }

    private static bool IsVariable(IReadOnlyList<long> timestamps)
    {
        if (timestamps.Count < 3) return false;
        long min = long.MaxValue, max = 0;
        for (int i = 1; i < timestamps.Count; i++)
        {
            long step = timestamps[i] - timestamps[i - 1];
            min = Math.Min(min, step);
            max = Math.Max(max, step);
        }
        return max - min > 1000; // more than a millisecond apart: not rounding noise
    }

    private static int BitsPerChannel(VideoStream video)
    {
        if (video.BitsPerRawSample is > 0 and var bits) return bits;
        string format = video.PixelFormat ?? "";
        foreach (int candidate in new[] { 16, 14, 12, 10, 9 })
            if (format.Contains($"p{candidate}", StringComparison.Ordinal)) return candidate;
        return 8;
    }

    /// <summary>ffprobe times as FFMpegCore asks for them (sexagesimal, "H:MM:SS.ffffff") or as plain seconds; "N/A" is absent.</summary>
    private static bool TryParseSeconds(string? text, out double seconds)
    {
        seconds = 0;
        if (string.IsNullOrEmpty(text)) return false;
        bool negative = text.StartsWith('-');
        double total = 0;
        foreach (string part in text.TrimStart('-').Split(':'))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return false;
            total = total * 60 + value;
        }
        seconds = negative ? -total : total;
        return true;
    }

    private static string FirstLine(Exception e)
    {
        string message = e is FFProbeProcessException process && process.StandardError.Count > 0
            ? process.StandardError.Last(l => l.Trim().Length > 0)
            : e.Message;
        int newline = message.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? message : message[..newline]).Trim();
    }
}
