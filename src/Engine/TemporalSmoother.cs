using ClipLit.Renderer.Passes;

namespace ClipLit.Engine;

/// <summary>
/// Temporal smoothing of the light map.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Enabled">Average light maps over time; off: every new map stands alone (carried by the motion where <paramref name="FollowMotion"/>).</param>
/// <param name="Weight">
/// Weight of the newest light map in the exponential moving average (0..1]: smaller is steadier
/// but follows lighting changes more slowly.
/// </param>
/// <param name="CutThreshold">
/// Mean absolute luminance difference (0..1) between consecutive 32x18 thumbnails above which a
/// frame starts a new scene and the average restarts (no ghosting across cuts); 0.08 in every mode.
/// </param>
/// <param name="FollowMotion">
/// The average (or, not averaging, the newest map) follows the frame's motion before each new map
/// is blended (reprojected, and clamped to the new map's neighbourhood where it does not fit), and a
/// map of an earlier frame is fetched where that frame's content is now; off: it is blended where it
/// lies, so a moving silhouette drags a halo (docs/benchmarks.md measures both).
/// </param>
public sealed record TemporalOptions(bool Enabled, float Weight, float CutThreshold, bool FollowMotion)
{
    /// <summary>
    /// Not averaging, in the live view: a slow lane (full quality on the CPU, with a student) lights
    /// each shown frame with the teacher's newest map corrected by the student's map of that very
    /// frame (<c>FreshLightMap</c>); false: the teacher's map carried by the motion alone (what the
    /// benchmarks compare it with).
    /// </summary>
    public bool CorrectWithStudent { get; init; } = true;

    /// <summary>A moving average where it lies, a time constant of about 3 frames (the default before averages followed motion).</summary>
    public static TemporalOptions Plain { get; } = new(true, 0.3f, 0.08f, FollowMotion: false);

    /// <summary>
    /// A moving average that follows motion. Weight 0.5: on the shared pan clip 0.9 dB from each
    /// frame's own map for 8 % less warping error; 0.3 loses 1.6 dB for no more (docs/benchmarks.md).
    /// </summary>
    public static TemporalOptions Motion { get; } = Plain with { Weight = 0.5f, FollowMotion = true };

    /// <summary>Each frame's own light map (scene cuts are still found and reported).</summary>
    public static TemporalOptions Off { get; } = Plain with { Enabled = false };

    /// <summary>The options of a smoothing mode, for files or for the live view.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="live">
    /// The live view's network finishes a map frames after it took its frame: without an average the
    /// newest map is still carried to each shown frame by the motion between (what lights the shown
    /// frame where things are now). A file's frames each have their own map: nothing to carry.
    /// </param>
    public static TemporalOptions For(SmoothingMode mode, bool live = false) => mode switch
    {
        SmoothingMode.Motion => Motion,
        SmoothingMode.Plain => Plain,
        SmoothingMode.Off => live ? Off with { FollowMotion = true } : Off,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}

/// <summary>
/// How the light map is smoothed over time.
/// Thread-safety: a value; any thread.
/// </summary>
public enum SmoothingMode
{
    /// <summary>A moving average that follows motion (<see cref="TemporalOptions.FollowMotion"/>).</summary>
    Motion,

    /// <summary>A moving average where it lies.</summary>
    Plain,

    /// <summary>Each frame's own light map.</summary>
    Off,
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
