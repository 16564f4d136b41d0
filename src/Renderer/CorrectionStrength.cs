using System.Globalization;

namespace ClipLit.Renderer;

/// <summary>
/// How strongly the light map corrects a frame: out = I / L^S, a blend in the gain domain (the
/// per-pixel gain 1/L raised to S), so colours keep their ratios at every strength instead of
/// washing out as a mix of input and output would. 0 is the input exactly, 1 the paper's output
/// exactly (the compose skips the power), values between lighten less, values above 1 lighten more,
/// up to <see cref="Max"/> (the gain squared: beyond it the noise of dark regions dominates).
/// Thread-safety: stateless.
/// </summary>
public static class CorrectionStrength
{
    /// <summary>The input as it is.</summary>
    public const float None = 0f;

    /// <summary>The paper's output.</summary>
    public const float Paper = 1f;

    /// <summary>The strongest correction allowed.</summary>
    public const float Max = 2f;

    /// <summary>Whether <paramref name="strength"/> is a strength (0 to <see cref="Max"/>; NaN is not).</summary>
    public static bool IsValid(float strength) => strength is >= None and <= Max;

    /// <summary>Parses a strength such as 0.6; null when <paramref name="text"/> is not a number from 0 to <see cref="Max"/>.</summary>
    public static float? Parse(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && IsValid(value) ? value : null;

    /// <summary>The strength as the HUD and the statistics show it, e.g. "0.60".</summary>
    public static string Describe(float strength) => strength.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="strength"/> brought to the nearest multiple of <paramref name="step"/>'s size, then
    /// moved by one step, within 0 to <see cref="Max"/> (a live key's change: 0.95 and 0.1 give 1.1).
    /// </summary>
    public static float Step(float strength, float step)
    {
        float size = Math.Abs(step);
        float grid = MathF.Round(strength / size, MidpointRounding.AwayFromZero) + Math.Sign(step);
        return Math.Clamp(grid * size, None, Max);
    }
}
