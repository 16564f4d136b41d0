using ClipLit.Bench.Motion;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench motion</c>: light maps on moving pictures (<see cref="MotionBench"/>), written by <see cref="MotionReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class MotionCommand : CheckoutBenchCommand
{
    private readonly TeacherStudentBenchOptions _options = new("45 frames of the fast pan and the noisy still only");

    public MotionCommand(CliContext context) : base("motion", "moving pictures: each smoothing mode's fidelity to the paper and warping error", """
                Enhances the shared fast pan, the shared slow pans and a still photo filmed with fresh sensor
                noise each frame, in full quality (the paper's network) and fast quality (--fast-model,
                default the shipped student), with each smoothing mode (off, plain, motion), and measures
                every output with bench/video_stability.py (Python with OpenCV): PSNR against the paper per
                frame, Lai et al.'s warping error on OpenCV DIS flow, low-frequency flicker; fast quality's
                speed from interleaved runs. Replaces the motion section of docs/benchmarks.md (or --output
                FILE; '-' prints it).
                """, context) =>
        Take(_options.Options);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context) =>
        new(MotionReport.Write(MotionBench.Run(_options.Settings(args, at), context)));
}
