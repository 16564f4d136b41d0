using ClipLit.Bench.Photos;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench photos</c> (and <c>cliplit bench</c> alone): <see cref="PhotoBench"/>, written by <see cref="PhotoReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class PhotosCommand : CheckoutBenchCommand
{
    private readonly Option<int?> _repeat = BenchOptions.Repeat("default 3; 1 with --quick");
    private readonly BenchRuntimeOptions _runtimes = new();
    private readonly BenchModelOptions _models = new(withStudent: false);
    private readonly Option<bool> _quick = BenchOptions.Quick("one run each, no thread scaling or operator profile");

    public PhotosCommand(CliContext context) : base("photos", "the network and the whole enhance process against PyTorch (the default)", """
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
                """, context) =>
        Take([_repeat, .. _runtimes.Options, .. _models.Options, _quick]);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context)
    {
        bool quick = args.GetValue(_quick);
        var result = PhotoBench.Run(new PhotoBench.Settings(at.Root, at.Shared, _models.Checkpoint(args, at), _runtimes.Python(args),
            _runtimes.Threads(args), args.GetValue(_repeat) ?? (quick ? 1 : 3), quick), context);
        if (result is null) return null;
        return new Measured(PhotoReport.Write(result));
    }
}
