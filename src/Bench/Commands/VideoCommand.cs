using ClipLit.Bench.Videos;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench video</c>: <see cref="VideoBench"/>, written by <see cref="VideoReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class VideoCommand : CheckoutBenchCommand
{
    private readonly Option<int?> _threads = BenchOptions.Threads();
    private readonly Option<string?> _python = BenchOptions.Python();
    private readonly Option<string?> _model = BenchOptions.Model();
    private readonly Option<bool> _quick = BenchOptions.Quick("fewer frames for the full-quality run and the naive baseline");

    public VideoCommand(CliContext context) : base("video", "fast against full quality, temporal stability, throughput against a naive baseline", """
                Measures videos: fast against full quality on stills (the golden photos and frames of the
                shared clip) at several network sizes with both upsamplers, temporal stability with smoothing
                on and off, and the throughput of both qualities against a naive ffmpeg + PyTorch baseline
                (bench/pytorch_video_baseline.py) in the same run. Replaces the video section of
                docs/benchmarks.md (or --output FILE; '-' prints it) and writes silhouette crops into images/
                beside it.
                """, context) =>
        Take(_threads, _python, _model, _quick);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context)
    {
        var result = VideoBench.Run(new VideoBench.Settings(at.Root, at.Shared, at.Checkpoint(args.GetValue(_model)), BenchOptions.PythonOrDefault(args.GetValue(_python)),
            BenchOptions.ThreadsOrDefault(args.GetValue(_threads)), args.GetValue(_quick)), context);
        return new Measured(VideoReport.Write(result));
    }
}
