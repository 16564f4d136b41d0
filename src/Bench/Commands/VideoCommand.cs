using System.CommandLine;
using ClipLit.Bench.Reports;
using ClipLit.Bench.Videos;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench video</c>: <see cref="VideoBench"/>, written by <see cref="VideoReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class VideoCommand : AppCommand
{
    private readonly Option<int?> _threads = BenchOptions.Threads();
    private readonly Option<string?> _python = BenchOptions.Python();
    private readonly Option<string?> _model = BenchOptions.Model();
    private readonly Option<bool> _quick = BenchOptions.Quick("fewer frames for the full-quality run and the naive baseline");
    private readonly Option<string?> _output = BenchOptions.Output();

    public VideoCommand(CliContext context) : base("video", "fast against full quality, temporal stability, throughput against a naive baseline")
    {
        foreach (Option option in (Option[])[_threads, _python, _model, _quick, _output]) Options.Add(option);
        Explain("Details", """
            Measures videos: fast against full quality on stills (the golden photos and frames of the
            shared clip) at several network sizes with both upsamplers, temporal stability with smoothing
            on and off, and the throughput of both qualities against a naive ffmpeg + PyTorch baseline
            (bench/pytorch_video_baseline.py) in the same run. Replaces the video section of
            docs/benchmarks.md (or --output FILE; '-' prints it) and writes silhouette crops into images/
            beside it.
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        var at = BenchLocations.FromCheckout();
        string report = at.Report(args.GetValue(_output));
        if (!at.HasSharedData(context.Error)) return ExitCodes.SomeFailed;
        var result = VideoBench.Run(new VideoBench.Settings(at.Root, at.Shared, at.Checkpoint(args.GetValue(_model)), BenchOptions.PythonOrDefault(args.GetValue(_python)),
            BenchOptions.ThreadsOrDefault(args.GetValue(_threads)), args.GetValue(_quick)), context);
        ReportFile.Publish(report, VideoReport.Write(result), context, "bench video");
        return ExitCodes.Success;
    }
}
