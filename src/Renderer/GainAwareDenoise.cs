namespace ClipLit.Renderer;

/// <summary>
/// The compose's gain-aware denoise (compose.comp and its CPU twin do exactly this): brightening a
/// pixel by the gain 1/L also multiplies its sensor noise σ (the frame's <see cref="NoiseModel"/> at
/// the pixel's luma), so the output shows σ/L. Where that exceeds <see cref="Tolerance"/> (two 8-bit
/// levels), the pixel is blended towards a 3x3 average of its neighbours weighted by how close their
/// luma (R + 2G + B) / 4 is to its own, 1 - (d / (Range·σ))² and at least 0: differences the noise
/// explains are averaged away, edges stronger than that keep. The blend goes from none at two levels
/// of noise shown to all of it at four, so no seam shows where it starts: dark, strongly brightened
/// parts first. σ is <see cref="NoiseLevel"/>'s estimate of the frame scaled by the amount asked
/// (<c>--denoise</c>: auto is 1).
/// Over time (video, the live view): the denoised pixel is then blended with the same pixel of the
/// previous frame's denoised input (the history) by <see cref="TemporalWeight"/>·mix·w, w = 1 -
/// (d / (<see cref="TemporalRange"/>·σ))² and at least 0, d the two lumas' difference: where the
/// picture stands still the noise averages away over frames; where something moved, the difference
/// is more than the noise explains and the history takes no part, so nothing moving smears. The
/// history restarts with every new picture (a photo, a scene cut).
/// Thread-safety: constants.
/// </summary>
public static class GainAwareDenoise
{
    /// <summary>
    /// The noise shown (in [0, 1] units) below which a pixel is left as it is: two 8-bit levels.
    /// Measured by <c>bench denoise</c> against the paper's output of the clean frames: with one
    /// level, the real pan clip without added noise (its own noise found at about 1.1 levels, the
    /// estimate's floor on real pictures) moved 0.82 dB from the paper's output, fine texture in
    /// brightened parts softened; with two, 0.33 (a still photo 0.24 and 0.12). Noise levels 2-4
    /// gain the same either way; level 1 less (+0.4 to +0.8 dB rather than +0.7 to +1.8).
    /// </summary>
    public const float Tolerance = 2f / 255;

    /// <summary>
    /// Neighbours whose luma differs by this many σ or more get no weight. Measured on the golden
    /// photos with four levels of added noise against the paper's output of the clean photo: 2.5
    /// removed more noise at the strongest levels (+6.4 dB rather than +4.9) but blurred the weakest
    /// level's edges by 1.3 dB; 1.5 keeps every level's edges within 0.4 dB and gains 3-5 dB from
    /// the third level up (tests/ClipLit.Cli.Tests/DenoiseTests.cs).
    /// </summary>
    public const float Range = 1.5f;

    /// <summary>
    /// How much of the history a still, fully denoised pixel takes: a recursive average whose noise
    /// settles at (1 - k) / (1 + k) of the frame's variance, 0.14 for 0.75 (σ / 2.6) within about
    /// four frames.
    /// </summary>
    public const float TemporalWeight = 0.75f;

    /// <summary>Luma differences from the history of this many σ or more are motion, not noise: that pixel takes no history.</summary>
    public const float TemporalRange = 1.5f;

    /// <summary>The largest amount <c>--denoise</c> takes (times the estimated noise).</summary>
    public const float MaxAmount = 4f;

    /// <summary>The amount --denoise auto means.</summary>
    public const float Auto = 1f;
}
