using ClipLit.Renderer.Passes;

namespace ClipLit.Engine;

/// <summary>
/// Temporal smoothing of the light map.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Enabled">Average light maps over time; off: every frame stands alone (flickers with the network). Default on.</param>
/// <param name="Weight">
/// Weight of the newest light map in the exponential moving average (0..1]: smaller is steadier
/// but follows lighting changes more slowly. Default 0.3 (a time constant of about 3 frames).
/// </param>
/// <param name="CutThreshold">
/// Mean absolute luminance difference (0..1) between consecutive 32x18 thumbnails above which a
/// frame starts a new scene and the average restarts (no ghosting across cuts). Default 0.08.
/// </param>
public sealed record TemporalOptions(bool Enabled, float Weight, float CutThreshold)
{
    public static TemporalOptions Default { get; } = new(true, 0.3f, 0.08f);

    public static TemporalOptions Off { get; } = Default with { Enabled = false };
}

/// <summary>
/// Decides each frame's weight in the light map's moving average, restarting it at scene cuts,
/// found by comparing small luminance thumbnails of consecutive frames (the pre-process shader
/// computes them: FrameSlot.Thumbnail; <see cref="Thumbnail"/> is their definition on the CPU).
/// Thread-safety: not thread-safe; call in frame order.
/// </summary>
public sealed class TemporalSmoother(TemporalOptions options)
{
    private const int ThumbWidth = ThumbnailPass.Columns;
    private const int ThumbHeight = ThumbnailPass.Rows;
    private float[]? _previous;

    /// <summary>Frames where a cut was found, for reports and tests.</summary>
    public List<int> Cuts { get; } = [];

    /// <summary>The weight for this frame's light map (1 restarts the average) from its network input's 32x18 luminance thumbnail.</summary>
    public float Observe(int frameIndex, ReadOnlySpan<float> thumbnail)
    {
        if (thumbnail.Length != ThumbWidth * ThumbHeight) throw new ArgumentException($"a thumbnail has {ThumbWidth * ThumbHeight} values, not {thumbnail.Length}", nameof(thumbnail));
        bool first = _previous is null;
        bool cut = false;
        if (_previous is not null)
        {
            double difference = 0;
            for (int i = 0; i < thumbnail.Length; i++) difference += Math.Abs(thumbnail[i] - _previous[i]);
            cut = difference / thumbnail.Length > options.CutThreshold;
            if (cut) Cuts.Add(frameIndex);
        }
        // The slot's thumbnail buffer is reused by later frames: keep a copy, in one array for the whole video.
        _previous ??= new float[thumbnail.Length];
        thumbnail.CopyTo(_previous);
        if (!options.Enabled || first || cut) return 1f;
        return options.Weight;
    }

    /// <summary>Rec. 709 luminance means over a 32x18 grid of cells of a planar RGB image (what shaders/thumbnail.comp computes).</summary>
    public static float[] Thumbnail(ReadOnlySpan<float> planar, int width, int height)
    {
        int n = width * height;
        var thumb = new float[ThumbWidth * ThumbHeight];
        var counts = new int[thumb.Length];
        for (int y = 0; y < height; y++)
        {
            int ty = y * ThumbHeight / height;
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                int t = ty * ThumbWidth + x * ThumbWidth / width;
                thumb[t] += 0.2126f * planar[i] + 0.7152f * planar[n + i] + 0.0722f * planar[2 * n + i];
                counts[t]++;
            }
        }
        for (int t = 0; t < thumb.Length; t++) thumb[t] = counts[t] > 0 ? thumb[t] / counts[t] : 0f;
        return thumb;
    }
}
