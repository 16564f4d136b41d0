using System.Diagnostics;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Bench.Stages;

/// <summary>
/// <c>cliplit bench stages</c>: a frame's per-pixel stages (pre-process; compose with the temporal
/// step, the light map's range, the guided filter and the division) as Vulkan shaders and as their
/// CPU twins, on the same frames (the shared backlit photos scaled to 720p and 1080p), in rounds
/// that alternate the two so both see the same machine load. The light map is made from the frame
/// (the network is not what is measured); every frame restarts the average (the default: each
/// frame its own map), so the guided filter runs every frame.
/// Thread-safety: one run at a time.
/// </summary>
public static class StagesBench
{
    /// <param name="Shared">The shared data folder (its backlit photos become the frames).</param>
    /// <param name="Quick">Fewer frames a round.</param>
    public sealed record Settings(string Shared, bool Quick);

    private static readonly (int Width, int Height)[] Sizes = [(1280, 720), (1920, 1080)];
    private const int Rounds = 4;
    private const int WarmUpFrames = 8;

    public static StagesBenchResult Run(Settings settings, CliContext context)
    {
        int framesPerRound = settings.Quick ? 6 : 24;
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Off, null));
        var machine = MachineDescription.Detect(device.Name);
        var rows = new List<StagesRow>();
        foreach (var (width, height) in Sizes)
        {
            var frames = PhotoFrames.Load(Path.Combine(settings.Shared, "data", "backlit"), width, height);
            foreach (var quality in new[] { EnhanceQuality.Fast, EnhanceQuality.Full })
            {
                var layout = FrameLayout.For(width, height, quality);
                using var shaders = new FrameRenderer(device, layout, 1, stages: FrameStages.Vulkan);
                using var twins = new FrameRenderer(device, layout, 1, stages: FrameStages.Cpu);
                var samples = new Dictionary<FrameStages, List<(double Pre, double Compose, double Cpu)>> { [FrameStages.Vulkan] = [], [FrameStages.Cpu] = [] };
                // Warm-up frames (first-use costs: the JIT's tiers, pipeline caches, page faults), then interleaved rounds.
                for (int i = 0; i < WarmUpFrames; i++)
                {
                    Frame(shaders, frames[i % frames.Count]);
                    Frame(twins, frames[i % frames.Count]);
                }
                for (int round = 0; round < Rounds; round++)
                    foreach (var renderer in new[] { shaders, twins })
                        for (int i = 0; i < framesPerRound; i++)
                            samples[renderer.Stages].Add(Frame(renderer, frames[(round * framesPerRound + i) % frames.Count]));
                var row = new StagesRow(width, height, quality, layout.NetworkWidth, layout.NetworkHeight, Cost(samples[FrameStages.Vulkan]), Cost(samples[FrameStages.Cpu]));
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bench stages: {width}x{height} {quality}: shaders {row.Vulkan.TotalMilliseconds:F2} ms, CPU twins {row.Cpu.TotalMilliseconds:F2} ms a frame ({row.Speedup:F1}x)"));
                rows.Add(row);
            }
        }
        return new StagesBenchResult(machine, DateTime.UtcNow, framesPerRound, Rounds, FrameStagesChoice.Describe(FrameStages.Cpu), rows);
    }

    /// <summary>One frame through the renderer: milliseconds of its pre-process and its compose, and the process's CPU time for both.</summary>
    private static (double Pre, double Compose, double Cpu) Frame(FrameRenderer renderer, byte[] frame)
    {
        var slot = renderer.Slots[0];
        var layout = renderer.Layout;
        frame.CopyTo(slot.InputBytes.Span);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        renderer.PreProcess(slot);
        double pre = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var cpuMiddle = process.TotalProcessorTime;
        // A light map with the structure of a real one, darker where the frame is dark (not timed).
        var planes = slot.NetworkInput.Span;
        var light = slot.NetworkLightMap.Span;
        int n = layout.NetworkPixels;
        for (int i = 0; i < n; i++) light[i] = 0.12f + 0.85f * Math.Max(planes[i], Math.Max(planes[n + i], planes[2 * n + i]));
        slot.TemporalWeight = 1f;
        slot.HasMotion = false;
        process.Refresh();
        var cpuAfterLight = process.TotalProcessorTime;
        start = Stopwatch.GetTimestamp();
        renderer.Compose(slot);
        double compose = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        process.Refresh();
        double cpu = (cpuMiddle - cpuBefore + process.TotalProcessorTime - cpuAfterLight).TotalMilliseconds;
        return (pre, compose, cpu);
    }

    private static StageCost Cost(List<(double Pre, double Compose, double Cpu)> samples) =>
        new(Median(samples.Select(s => s.Pre)), Median(samples.Select(s => s.Compose)), Median(samples.Select(s => s.Pre + s.Compose)), samples.Average(s => s.Cpu));

    private static double Median(IEnumerable<double> values) => new Timings(values.ToList()).Median;
}
