using ClipLit.Renderer;

namespace ClipLit.Bench.Stages;

/// <summary>
/// Writes <see cref="StagesBenchResult"/> as the frame stages section of docs/benchmarks.md.
/// Thread-safety: stateless.
/// </summary>
public static class StagesReport
{
    public static ReportSection Write(StagesBenchResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = MarkdownText.Section("## Frame stages: Vulkan shaders and their CPU twins", "stages", result.Date,
            $"{result.Machine.Brief} ({result.Machine.CpuModel}); the twins: {result.CpuTwins}").AppendLine();
        md.AppendLine(inv, $$"""
            A frame's per-pixel stages (pre-process: the network's input and the cut thumbnail; compose: the
            light map's temporal step and range, the guided filter at the network's size and the division at the
            frame's) on the shared backlit photos scaled to each size, through `FrameRenderer` with each
            implementation, in {{result.Rounds}} rounds of {{result.Frames}} frames that alternate the two (same load). Median
            milliseconds a frame; CPU ms: the process's CPU time a frame (all threads). The network is not part
            of this: its light map is made from the frame. Auto (the default) takes the twins where the Vulkan
            device is a CPU, as here; `CLIPLIT_STAGES=vulkan` keeps the shaders.
            """);
        md.AppendLine();
        md.TableHeader("frame", "quality (network size)", "shaders: pre-process / compose / both (ms)", "CPU twins: pre-process / compose / both (ms)", "twins × faster", "CPU ms a frame: shaders / twins");
        foreach (var row in result.Rows)
        {
            string quality = row.Quality == EnhanceQuality.Fast ? $"fast ({row.NetworkWidth}x{row.NetworkHeight})" : "full";
            md.AppendLine(inv, $"| {row.Width}x{row.Height} | {quality} | {Cost(row.Vulkan)} | {Cost(row.Cpu)} | {row.Speedup:F1} | {row.Vulkan.CpuMilliseconds:F1} / {row.Cpu.CpuMilliseconds:F1} |");
        }
        md.AppendLine();
        return new ReportSection("stages", md.ToString(), []);
    }

    private static string Cost(StageCost cost) =>
        string.Create(CultureInfo.InvariantCulture, $"{cost.PreProcessMilliseconds:F2} / {cost.ComposeMilliseconds:F2} / {cost.TotalMilliseconds:F2}");
}
