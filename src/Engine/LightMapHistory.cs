using ClipLit.Renderer;

namespace ClipLit.Engine;

/// <summary>
/// What pre-processing a frame found: the weight its own light map would enter the average with (1 restarts it), and whether it starts a new scene.
/// Thread-safety: immutable.
/// </summary>
public readonly record struct FrameObservation(float Weight, bool IsCut);

/// <summary>
/// The light map's history over time, decided in one place: which frames start a new scene (from
/// the pre-process's luminance thumbnails, <see cref="TemporalSmoother"/>) and with what weight each
/// light map a producer hands over enters the temporal average that the renderer keeps on the GPU
/// (the temporal pass blends a slot's light map by <see cref="FrameSlot.TemporalWeight"/>; 0 leaves
/// the average as it is). Producers: a video's or photo's frame path (each frame its own map), a
/// live lane (the newest map its network worker finished, or none), a cut refiner (a cut frame's
/// own map, standing alone). Every write of a slot's weight goes through here.
/// Thread-safety: not thread-safe; observe frames in order, from one thread.
/// Ownership: nothing native (the average itself is the renderer's buffer).
/// </summary>
/// <param name="options">Smoothing and cut detection.</param>
public sealed class LightMapHistory(TemporalOptions options)
{
    /// <summary>The weight that restarts the average: the map stands alone.</summary>
    public const float Restart = 1f;

    private readonly TemporalSmoother _smoother = new(options);

    /// <summary>Frames where a scene cut restarted the average.</summary>
    public IReadOnlyList<int> Cuts => _smoother.Cuts;

    /// <summary>A pre-processed frame (its thumbnail in the slot): whether it cuts, and its own map's weight.</summary>
    public FrameObservation Observe(FrameSlot slot)
    {
        float weight = _smoother.Observe(slot.FrameIndex, slot.Thumbnail);
        return new FrameObservation(weight, Cuts.Count > 0 && Cuts[^1] == slot.FrameIndex);
    }

    /// <summary>A light map is in the slot: it enters the average with <paramref name="weight"/> when the slot is composed.</summary>
    public static void Hand(FrameSlot slot, float weight) => slot.TemporalWeight = weight;

    /// <summary>No new light map for the slot: the average stands when it is composed.</summary>
    public static void Hold(FrameSlot slot) => slot.TemporalWeight = 0f;

    /// <summary>
    /// A newer light map replaces one nobody took: it enters with its own weight, but a restart
    /// (the replaced map began a scene or a model) is not lost.
    /// </summary>
    public static float Replacing(float replaced, float newer) => replaced >= Restart ? Restart : newer;
}
