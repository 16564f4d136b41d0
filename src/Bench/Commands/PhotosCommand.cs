using System.CommandLine;
using ClipLit.Bench.Photos;
using ClipLit.Bench.Reports;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench photos</c> (and <c>cliplit bench</c> alone): <see cref="PhotoBench"/>, written by <see cref="PhotoReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class PhotosCommand : AppCommand
{
    private readonly Option<int?> _repeat = BenchOptions.Repeat("default 3; 1 with --quick");
    private readonly Option<int?> _threads = BenchOptions.Threads();
    private readonly Option<string?> _python = BenchOptions.Python();
    private readonly Option<string?> _model = BenchOptions.Model();
    private readonly Option<bool> _quick = BenchOptions.Quick("one run each, no thread scaling or operator profile");
    private readonly Option<string?> _output = BenchOptions.Output();

    public PhotosCommand(CliContext context) : base("photos", "the network and the whole enhance process against PyTorch (the default)")
    {
        foreach (Option option in (Option[])[_repeat, _threads, _python, _model, _quick, _output]) Options.Add(option);
        Explain("Details", """
            Measures, in one run on this machine:
              * the paper's network in PyTorch (bench/pytorch_reference.py with Debian's python3-torch,
                PyTorch 1.13) and ClipLit's ONNX Runtime path on the golden photos and a 2048x1536 photo:
                seconds (min / median / max of N runs), ms per megapixel, peak memory, ratio;
              * the whole 'cliplit enhance' process on the 2048x1536 photo (start-up, model loading,
                decoding, encoding included) against the PyTorch network alone;
              * the launcher's overhead, thread scaling and ONNX Runtime's time per operator.
            Results replace the photos section of docs/benchmarks.md (or --output FILE; '-' prints them).
            'cliplit bench' with no subcommand runs this one. Needs the shared data folder beside the
            repository and python3-torch.
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        var at = BenchLocations.FromCheckout();
        string report = at.Report(args.GetValue(_output));
        if (!at.HasSharedData(context.Error)) return ExitCodes.SomeFailed;
        bool quick = args.GetValue(_quick);
        var result = PhotoBench.Run(new PhotoBench.Settings(at.Root, at.Shared, at.Checkpoint(args.GetValue(_model)), BenchOptions.PythonOrDefault(args.GetValue(_python)),
            BenchOptions.ThreadsOrDefault(args.GetValue(_threads)), args.GetValue(_repeat) ?? (quick ? 1 : 3), quick), context);
        if (result is null) return ExitCodes.SomeFailed;
        ReportFile.Publish(report, PhotoReport.Write(result), context, "bench");
        return ExitCodes.Success;
    }
}
