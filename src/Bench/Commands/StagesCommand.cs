using ClipLit.Bench.Stages;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench stages</c>: the frame stages as shaders and as CPU twins (<see cref="StagesBench"/>), written by <see cref="StagesReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class StagesCommand : CheckoutBenchCommand
{
    private readonly Option<bool> _quick = BenchOptions.Quick("6 frames a round instead of 24");

    public StagesCommand(CliContext context) : base("stages", "a frame's per-pixel stages: Vulkan shaders against their CPU twins", """
                Runs a frame's pre-process and compose through the Vulkan shaders and through their CPU twins
                (SIMD, bands of rows on every core) on the shared backlit photos scaled to 720p and 1080p,
                fast and full quality, in alternating rounds. Replaces the stages section of
                docs/benchmarks.md (or --output FILE; '-' prints it).
                """, context) =>
        Take(_quick);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context) =>
        new(StagesReport.Write(StagesBench.Run(new StagesBench.Settings(at.Shared, args.GetValue(_quick)), context)));
}
