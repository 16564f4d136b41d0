namespace ClipLit.Engine.Motion;

/// <summary>
/// Where each pixel of the shown frame was when an earlier frame was taken, for the light maps of
/// frames still in the network's hands: a light map computed on frame N and shown on frame N+k is
/// fetched through this field, so it lights the picture where things are now. Each field starts at
/// no motion when its frame is offered and is chained with every later frame's own motion
/// (previous position of p = p + m(p), then that position's own earlier position, bilinear).
/// Thread-safety: not thread-safe; one per lane, on its thread.
/// </summary>
/// <param name="width">The motion field's width.</param>
/// <param name="height">The motion field's height.</param>
public sealed class MotionAccumulator(int width, int height)
{
    // Frames offered and not taken: the network holds at most one and keeps one finished, so few.
    private readonly SortedDictionary<int, float[]> _fields = new();
    private float[] _scratch = new float[2 * width * height];
    // Fields let go, for the next frames offered: a field is a few hundred kilobytes, offered many times a second.
    private readonly Stack<float[]> _spare = new();

    /// <summary>Frames whose fields are kept.</summary>
    public int Count => _fields.Count;

    /// <summary>Frame <paramref name="frameIndex"/> was offered to the network: its field starts at no motion.</summary>
    public void Begin(int frameIndex)
    {
        if (_fields.TryGetValue(frameIndex, out var again)) _spare.Push(again);
        var field = _spare.Count > 0 ? _spare.Pop() : new float[2 * width * height];
        Array.Clear(field);
        _fields[frameIndex] = field;
    }

    /// <summary>A new frame shown, with its motion from the frame before: every kept field reaches back through it.</summary>
    public void Advance(ReadOnlySpan<float> motion)
    {
        if (motion.Length < 2 * width * height) throw new ArgumentException($"a motion field holds {2 * width * height} values", nameof(motion));
        foreach (int frame in _fields.Keys.ToList())
        {
            var earlier = _fields[frame];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int i = 2 * (y * width + x);
                    float dx = motion[i], dy = motion[i + 1];
                    var (ex, ey) = VectorField.Sample(earlier, width, height, x + dx, y + dy);
                    _scratch[i] = dx + ex;
                    _scratch[i + 1] = dy + ey;
                }
            _fields[frame] = _scratch;
            _scratch = earlier;
        }
    }

    /// <summary>
    /// The field of frame <paramref name="frameIndex"/> (whose light map is shown now) into
    /// <paramref name="into"/>; it and the fields of older frames are let go. False, writing nothing,
    /// where that frame's field is not kept.
    /// </summary>
    public bool Take(int frameIndex, Span<float> into)
    {
        if (!_fields.TryGetValue(frameIndex, out var field)) return false;
        field.CopyTo(into);
        DropOlderThan(frameIndex + 1);
        return true;
    }

    /// <summary>
    /// As <see cref="Take"/>, but the field of <paramref name="frameIndex"/> stays kept and goes on
    /// following each frame's motion (a light map lighting many frames after its own: <c>FreshLightMap</c>);
    /// the fields of older frames are let go.
    /// </summary>
    public bool Read(int frameIndex, Span<float> into)
    {
        if (!_fields.TryGetValue(frameIndex, out var field)) return false;
        field.CopyTo(into);
        DropOlderThan(frameIndex);
        return true;
    }

    /// <summary>Lets go of the fields of frames before <paramref name="frameIndex"/> (light maps dropped at a scene cut, or replaced).</summary>
    public void DropOlderThan(int frameIndex)
    {
        foreach (int frame in _fields.Keys.Where(f => f < frameIndex).ToList())
        {
            _spare.Push(_fields[frame]);
            _fields.Remove(frame);
        }
    }
}
