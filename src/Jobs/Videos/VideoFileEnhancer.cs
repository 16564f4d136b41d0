using ClipLit.Core.Files;
using ClipLit.Engine;
using ClipLit.Renderer;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Sequences;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs.Videos;

/// <summary>
/// Enhances one moving picture into another for the command line: a video file or a numbered image
/// sequence (<c>frames/%05d.png</c>) in, a video file or an image sequence out. A video output is
/// encoded into a locked hidden temporary file (<see cref="TemporaryFile"/>), verified (it reads
/// back with every frame and stream: <see cref="VideoOutputCheck"/>) and only then renamed, never
/// over a file that appeared meanwhile unless replacing was asked for; a cancelled or failed run
/// leaves nothing under the output's name, and a source that is cut short yields its decodable part
/// under an explicit <c>.partial</c> name, with an error. A sequence output's frames are each
/// written atomically and all deleted again when the run does not complete.
/// Thread-safety: one video at a time. Ownership: does not own the session.
/// </summary>
/// <param name="session">The model, and where it runs.</param>
/// <param name="options">How videos are enhanced.</param>
/// <param name="sequenceFramesPerSecond">The frame rate of image-sequence inputs.</param>
/// <param name="frameWriteOptions">How image-sequence outputs' frames are written.</param>
/// <param name="replace">Outputs may replace existing files (--overwrite); else never, not even one that appears while encoding.</param>
public sealed class VideoFileEnhancer(EnhancerSession session, VideoEnhanceOptions options,
    double sequenceFramesPerSecond, StillImageWriteOptions frameWriteOptions, bool replace)
{
    /// <summary>Where the last video's time went, per stage.</summary>
    public string LastTimings { get; private set; } = "";

    /// <summary>A video file or an image sequence pattern: something <see cref="EnhanceAsync"/> takes.</summary>
    public static bool IsMovingPicture(string path) => VideoProbe.HasVideoExtension(path) || ImageSequencePattern.IsPattern(path);

    /// <summary>Whether the output already exists: the file, or any frame of the sequence.</summary>
    public static bool OutputExists(string output) =>
        ImageSequencePattern.TryParse(output) is { } pattern ? pattern.ExistingFrames().Count > 0 : File.Exists(output);

    /// <exception cref="VideoFileException">The input cannot be read, is cut short, or encoding failed.</exception>
    /// <exception cref="ImageFileException">A sequence's frame cannot be read or written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public async Task EnhanceAsync(string input, string output, IProgress<VideoProgress> progress, CancellationToken cancellation)
    {
        var inputSequence = ImageSequencePattern.TryParse(input);
        var outputSequence = ImageSequencePattern.TryParse(output);
        VideoInfo? video = inputSequence is null ? VideoProbe.Probe(input, cancellation) : null;
        await using IFrameSource source = inputSequence is null
            ? new VideoFrameReader(video!)
            : new ImageSequenceSource(inputSequence, sequenceFramesPerSecond);
        var enhancer = new VideoEnhancer(session, options);

        if (outputSequence is not null)
        {
            await using var frames = new ImageSequenceSink(outputSequence, source.Width, source.Height, frameWriteOptions, replace);
            var sequence = await enhancer.EnhanceAsync(source, frames, progress, cancellation);
            Report(sequence);
            if (sequence.DecodeProblem is { } cutShort)
            {
                foreach (string frame in frames.Written) AtomicFile.TryDelete(frame);
                throw new VideoFileException(input, $"{cutShort}; no frames were kept");
            }
            return;
        }

        using var temporary = TemporaryFile.Create(output);
        VideoResult result;
        await using (var writer = video is not null
            ? new VideoFrameWriter(video, temporary.Path, output, options.Encode)
            : new VideoFrameWriter(SequenceInfo((ImageSequenceSource)source), temporary.Path, output, options.Encode, copyStreams: false))
        {
            result = await enhancer.EnhanceAsync(source, writer, progress, cancellation);
        }
        Report(result);
        try
        {
            if (result.DecodeProblem is { } problem)
            {
                string partial = PartialName(output);
                temporary.CommitAs(partial, replace: true);
                throw new VideoFileException(input, $"{problem}; the {result.FramesWritten} decodable frames are in {partial}");
            }
            temporary.Commit(replace);
        }
        catch (OutputExistsException)
        {
            throw new VideoFileException(output, "a file of that name appeared while it was being written; it was not replaced (--overwrite replaces it)");
        }
        catch (IOException e)
        {
            throw new VideoFileException(output, $"cannot be written ({e.Message})");
        }
    }

    private void Report(VideoResult result) =>
        LastTimings = $"{result.FramesWritten} frames in {result.Elapsed.TotalSeconds:F1} s ({result.FramesWritten / result.Elapsed.TotalSeconds:F1} fps); busy: "
                      + string.Join(", ", result.StageSeconds.Select(kv => $"{kv.Key} {kv.Value:F1} s"))
                      + (result.Cuts.Count > 0 ? $"; scene cuts at frames {string.Join(", ", result.Cuts)}" : "")
                      + $"; pixel stages: {FrameStagesChoice.Describe(result.Stages)}";

    /// <summary>What the encoder needs to know of a sequence: its size and constant-rate timestamps (a 90 kHz time base, as MPEG's).</summary>
    private VideoInfo SequenceInfo(ImageSequenceSource sequence) => new(
        sequence.Frames[0], sequence.Width, sequence.Height,
        Enumerable.Range(0, sequence.Frames.Count).Select(sequence.TimestampOf).ToList(),
        TimeBaseDenominator: 90000, sequenceFramesPerSecond, IsVariableFrameRate: false, CodecName: "image sequence",
        PixelFormat: "rgba", BitsPerChannel: 8, Rotation: 0, FormatName: "image2", AudioStreams: 0, SubtitleStreams: 0,
        Keyframes: Enumerable.Range(0, sequence.Frames.Count).ToList(), StartMicroseconds: 0);

    /// <summary>out.mp4 -> out.partial.mp4: the container stays recognizable, the name says it is incomplete.</summary>
    public static string PartialName(string output) =>
        Path.Combine(Path.GetDirectoryName(output) ?? "", $"{Path.GetFileNameWithoutExtension(output)}.partial{Path.GetExtension(output)}");
}
