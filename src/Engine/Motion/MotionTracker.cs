using ClipLit.Renderer;

namespace ClipLit.Engine.Motion;

/// <summary>
/// A stream's motion, frame after frame: each frame's luma (<see cref="MotionLuma"/>) against the
/// one before it (<see cref="BlockMotionEstimator"/>), written into the frame's slot as the field
/// the light map's average follows when the slot is composed.
/// Thread-safety: not thread-safe; track frames in order, from one thread.
/// </summary>
public sealed class MotionTracker(FrameLayout layout)
{
    // A hundredth of a motion pixel (a twentieth of a 720p pixel) a frame is no motion.
    private const float StillBelow = 0.01f;

    private readonly BlockMotionEstimator _estimator = new();
    private float[] _previous = new float[layout.MotionWidth * layout.MotionHeight];
    private float[] _current = new float[layout.MotionWidth * layout.MotionHeight];
    private bool _hasPrevious;

    /// <summary>
    /// The slot's frame (decoded into its input): its motion from the frame tracked before it, into
    /// <see cref="FrameSlot.Motion"/>; <see cref="FrameSlot.HasMotion"/> and <see cref="FrameSlot.MotionKnown"/> say whether there was one.
    /// </summary>
    public void Track(FrameSlot slot)
    {
        MotionLuma.From(slot.InputBytes.Span, layout, _current);
        slot.HasMotion = _hasPrevious;
        slot.MotionKnown = _hasPrevious;
        if (_hasPrevious) _estimator.Estimate(_previous, _current, layout.MotionWidth, layout.MotionHeight, slot.Motion);
        slot.MotionIsStill = !_hasPrevious || IsStill(slot.Motion);
        (_previous, _current) = (_current, _previous);
        _hasPrevious = true;
    }

    /// <summary>No vector moves a motion pixel by a hundredth or more.</summary>
    private static bool IsStill(ReadOnlySpan<float> motion)
    {
        foreach (float component in motion)
            if (MathF.Abs(component) >= StillBelow) return false;
        return true;
    }
}
