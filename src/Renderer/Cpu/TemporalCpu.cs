namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/temporal.comp on the CPU: history = mix(history, current, weight), an exponential moving
/// average; weight 1 restarts it.
/// Thread-safety: stateless.
/// </summary>
internal static class TemporalCpu
{
    public static void Run(ReadOnlySpan<float> current, Span<float> history, float weight)
    {
        if (weight >= 1f)
        {
            current[..history.Length].CopyTo(history);
            return;
        }
        for (int i = 0; i < history.Length; i++) history[i] = history[i] * (1f - weight) + current[i] * weight;
    }
}
