using ClipLit.Bench.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Jobs.Options;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench gpu</c>: <see cref="GpuBench"/>, written by <see cref="GpuReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class GpuCommand : AppCommand
{
    private readonly Option<string?> _model = BenchOptions.Model();
    private readonly Option<int?> _frames = Define.Integer("--frames", "N", 30, 100_000, "frames per measured run (default 600)");
    private readonly Option<(int Height, int Width)?> _size = ValueParsers.Size("--size", "the frame size (default 1920x1080)");
    private readonly Option<string?> _proof = Define.Text("--proof", "DIR", "also write a zero-copy frame (PNG) into DIR");
    private readonly Option<bool> _rehearse = Define.Flag("--rehearse",
        "CUDA replaced by the CPU path throughout, to try the proof on a machine without a GPU (the figures are not a GPU's)");
    private readonly Option<string?> _output = BenchOptions.Output();

    public GpuCommand(CliContext context) : base("gpu",
        "the NVIDIA path: 1080p full quality, zero-copy against the host round trip; needs a working CUDA provider ('cliplit doctor')")
    {
        foreach (Option option in (Option[])[_model, _frames, _size, _proof, _rehearse, _output]) Options.Add(option);
        Explain("Details", """
            Checks the zero-copy path against the CPU path first (the light map CUDA computes from
            Vulkan's memory, a whole frame, a stale frame through one slot, the frame engine's every
            frame; each at least 60 dB, TF32 off) and stops at the first check that fails; then measures
            zero-copy against the host round trip: enhancer ms, engine fps, file-to-file fps, copy nodes,
            TF32 off and on. bench/gpu_check.sh runs it after doctor; --rehearse tries it all without a
            GPU. Replaces the gpu section of docs/benchmarks.md (or --output FILE; '-' prints it); outside
            a checkout, set CLIPLIT_SHARED and give --output.
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        // Only the model and the photos are needed, so it runs from an app unpacked anywhere and a
        // small copy of the shared folder (CLIPLIT_SHARED) on a lent GPU machine.
        string? checkout = ModelStore.RepositoryRoot();
        string shared = ModelStore.SharedFolder() ?? throw new UsageException("bench gpu: set CLIPLIT_SHARED to the shared data folder (outside a checkout)");
        string report = BenchLocations.CheckedReport(args.GetValue(_output) ?? (checkout is null
            ? throw new UsageException("bench gpu: give --output FILE (outside a checkout there is no docs/benchmarks.md)")
            : Path.Combine(checkout, "docs", "benchmarks.md")));
        var (height, width) = args.GetValue(_size) ?? (1080, 1920);
        var log = new GpuProofLog(context.Error);
        var result = GpuBench.Run(new GpuBench.Settings(shared, BenchLocations.CheckedModel(args.GetValue(_model) ?? BenchLocations.DefaultCheckpoint(shared)),
            args.GetValue(_frames) ?? 600, width, height,
            args.GetValue(_proof) is { } proof ? Directory.CreateDirectory(proof).FullName : null, args.GetValue(_rehearse)), log, context);
        if (result is null) return ExitCodes.SomeFailed;
        ReportFile.Publish(report, GpuReport.Write(result), context, "bench gpu");
        log.Step($"done: every check passed");
        return ExitCodes.Success;
    }
}
