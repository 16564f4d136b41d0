using ClipLit.Renderer;

namespace ClipLit.Bench.Stages;

/// <summary>
/// What <see cref="StagesBench"/> measured: per frame size and quality, the pre-process and the
/// compose of each implementation (median milliseconds a frame over interleaved rounds).
/// Thread-safety: immutable.
/// </summary>
public sealed record StagesBenchResult(MachineDescription Machine, DateTime Date, int Frames, int Rounds, string CpuTwins, IReadOnlyList<StagesRow> Rows);

/// <summary>One frame size and quality: the shaders' cost and the CPU twins' on the same frames.</summary>
public sealed record StagesRow(int Width, int Height, EnhanceQuality Quality, int NetworkWidth, int NetworkHeight, StageCost Vulkan, StageCost Cpu)
{
    /// <summary>How many times faster the twins run the frame's stages than the shaders.</summary>
    public double Speedup => Vulkan.TotalMilliseconds / Cpu.TotalMilliseconds;
}

/// <summary>Median milliseconds a frame: the pre-process, the compose, and the two together (the median of their per-frame sums).</summary>
public sealed record StageCost(double PreProcessMilliseconds, double ComposeMilliseconds, double TotalMilliseconds, double CpuMilliseconds);
