using ClipLit.Bench.Videos;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench video</c>: <see cref="VideoBench"/>, written by <see cref="VideoReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class VideoCommand : CheckoutBenchCommand
{
    private readonly BenchRuntimeOptions _runtimes = new();
    private readonly BenchModelOptions _models = new(withStudent: false);
    private readonly Option<bool> _quick = BenchOptions.Quick("fewer frames for the full-quality run and the naive baseline");

    public VideoCommand(CliContext context) : base("video", "fast against full quality, temporal stability, throughput against a naive baseline", """
                Measures videos: fast against full quality on stills (the golden photos and frames of the
                shared clip) at several network sizes with both upsamplers, temporal stability with smoothing
                on and off, and the throughput of both qualities against a naive ffmpeg + PyTorch baseline
                (bench/pytorch_video_baseline.py) in the same run. Replaces the video section of
                docs/benchmarks.md (or --output FILE; '-' prints it) and writes silhouette crops into images/
                beside it.
                """, context) =>
        Take([.. _runtimes.Options, .. _models.Options, _quick]);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context)
    {
        var result = VideoBench.Run(new VideoBench.Settings(at.Root, at.Shared, _models.Checkpoint(args, at), _runtimes.Python(args),
            _runtimes.Threads(args), args.GetValue(_quick)), context);
        return new Measured(VideoReport.Write(result));
    }
}
