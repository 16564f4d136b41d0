using ClipLit.Core.Text;

namespace ClipLit.Renderer;

/// <summary>
/// Where a frame's per-pixel stages (pre-process, temporal average, upsampling, compose) run: each
/// stage has a compute shader and a CPU twin of the same name (ncnn's habit), tested against each
/// other (equal within one 8-bit level).
/// Thread-safety: a value; any thread.
/// </summary>
public enum FrameStages
{
    /// <summary>The CPU twins where the Vulkan device is itself a CPU (lavapipe) and the tensors are in host memory; else the shaders.</summary>
    Auto,

    /// <summary>The compute shaders on the Vulkan device.</summary>
    Vulkan,

    /// <summary>The CPU twins (src/Renderer/Cpu): SIMD, bands of rows in parallel; the tensors must be in host memory.</summary>
    Cpu,
}

/// <summary>
/// The choice of <see cref="FrameStages"/>: what the user asked for (<see cref="Variable"/>) and
/// what auto means on this machine. On lavapipe a shader costs about 20 ns a pixel in its software
/// rasterizer, where the twins run at memory speed (docs/benchmarks.md, "Frame stages").
/// Thread-safety: stateless; any thread.
/// </summary>
public static class FrameStagesChoice
{
    /// <summary>The environment variable that overrides the choice: auto (the default), cpu or vulkan.</summary>
    public const string Variable = "CLIPLIT_STAGES";

    /// <summary>What <see cref="Variable"/> asks for.</summary>
    /// <exception cref="ArgumentException">It holds something else than auto, cpu or vulkan.</exception>
    public static FrameStages Requested() => Parse(Environment.GetEnvironmentVariable(Variable));

    public static FrameStages Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => FrameStages.Auto,
        "cpu" => FrameStages.Cpu,
        "vulkan" => FrameStages.Vulkan,
        _ => throw new ArgumentException($"{Variable}={Shown(value)}: expected auto, cpu or vulkan"),
    };

    /// <summary>The value as the one-line error shows it: plain when it is a plain word, else quoted with escapes and cut short (newlines, control characters, megabytes).</summary>
    private static string Shown(string value) =>
        value.Length <= OneLine.Longest && value.All(char.IsAsciiLetterOrDigit) ? value : $"\"{OneLine.Escaped(value)}\"";

    /// <summary>
    /// Where the stages run for <paramref name="requested"/>: auto takes the twins on a CPU Vulkan
    /// device; the twins need the tensors in host memory (where they live in CUDA's memory, the shaders run).
    /// </summary>
    public static FrameStages Resolve(FrameStages requested, bool deviceIsCpu, bool tensorsOnHost) => requested switch
    {
        _ when !tensorsOnHost => FrameStages.Vulkan,
        FrameStages.Auto => deviceIsCpu ? FrameStages.Cpu : FrameStages.Vulkan,
        _ => requested,
    };

    /// <summary>A short phrase for logs and doctor: "CPU twins (AVX2, 2 threads)" or "Vulkan shaders".</summary>
    public static string Describe(FrameStages stages) => stages switch
    {
        FrameStages.Cpu => $"CPU twins ({(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "scalar")}, {Environment.ProcessorCount} thread{(Environment.ProcessorCount == 1 ? "" : "s")})",
        _ => "Vulkan shaders",
    };
}
