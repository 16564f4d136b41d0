using ClipLit.Bench.Denoise;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench denoise</c>: the gain-aware denoise on calibrated noise (<see cref="DenoiseBench"/>), written by <see cref="DenoiseReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class DenoiseCommand : CheckoutBenchCommand
{
    private readonly TeacherStudentBenchOptions _options = new("8 frames a clip instead of 30");

    public DenoiseCommand(CliContext context) : base("denoise", "the gain-aware denoise on camera-like noise at four levels", """
                Adds camera-like noise (Poisson-Gaussian, fresh every frame) at four levels to a real photo held
                still and to the shared fast pan, runs each through fast quality without and with --denoise
                auto, and compares every frame with the output of the clean frame: PSNR, PSNR at strong edges,
                frame-to-frame change, and the warping error of each output (bench/video_stability.py, Python
                with OpenCV; the flow of the clean frames); and the cost for a 720p frame. Replaces the denoise section of
                docs/benchmarks.md (or --output FILE; '-' prints it).
                """, context) =>
        Take(_options.Options);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context) =>
        new(DenoiseReport.Write(DenoiseBench.Run(_options.Settings(args, at), context)));
}
