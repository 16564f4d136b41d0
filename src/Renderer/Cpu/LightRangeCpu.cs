namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/light_range.comp on the CPU: the bounds compose keeps an upsampled light map within,
/// lo = max(min·0.5, 1e-3) and hi = max(max(max, 0)·1.5, 1e-3), NaN ignored, lo never above hi.
/// Thread-safety: stateless.
/// </summary>
internal static class LightRangeCpu
{
    public static (float Lo, float Hi) Run(ReadOnlySpan<float> light)
    {
        float low = float.MaxValue, high = 0f;
        foreach (float v in light)
        {
            if (float.IsNaN(v)) continue;
            low = Math.Min(low, v);
            high = Math.Max(high, v);
        }
        float hi = Math.Max(high * 1.5f, 1e-3f);
        return (Math.Min(Math.Max(low * 0.5f, 1e-3f), hi), hi);
    }
}
