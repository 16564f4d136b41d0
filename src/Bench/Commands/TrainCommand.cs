using ClipLit.Bench.Training;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench train</c>: <see cref="TrainingBench"/>, written by <see cref="TrainingReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class TrainCommand : CheckoutBenchCommand
{
    private readonly Option<int?> _repeat = BenchOptions.Repeat("default 3");
    private readonly BenchRuntimeOptions _runtimes = new();
    private readonly Option<int?> _batch = Define.Integer("--batch", "N", 1, 256, "the enhancement batch (default 8)");
    private readonly Option<int?> _imageSize = Define.Integer("--image-size", "N", 32, 4096, "the image size (default 512)");

    public TrainCommand(CliContext context) : base("train", "each training stage's seconds per iteration against the paper's PyTorch step", """
                Measures each training stage's seconds per iteration with full-size CLIP (ViT-B/32, RN101,
                random weights) against the paper's PyTorch step (bench/pytorch_training_step.py) with
                Debian's reference BLAS and with OpenBLAS, and what the enhancement step spends its time on.
                Replaces the training section of docs/benchmarks.md (or --output FILE; '-' prints it).
                """, context) =>
        Take([_repeat, .. _runtimes.Options, _batch, _imageSize]);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context)
    {
        var result = TrainingBench.Run(new TrainingBench.Settings(at.Root, at.Shared, _runtimes.Python(args),
            _runtimes.Threads(args), args.GetValue(_repeat) ?? 3, args.GetValue(_batch) ?? 8, 16, args.GetValue(_imageSize) ?? 512), context);
        return new Measured(TrainingReport.Write(result));
    }
}
