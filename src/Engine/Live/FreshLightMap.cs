using ClipLit.Engine.Gpu;
using ClipLit.Renderer;
using ClipLit.Renderer.Cpu;

namespace ClipLit.Engine.Live;

/// <summary>
/// The light map of the very frame shown, for a lane whose network is slow (full quality on a
/// CPU, where the paper's network finishes a map a dozen frames after taking its frame): the
/// teacher's newest map, of frame k, fetched through the motion from the shown frame back to k,
/// times a gain that the student (run on every frame) gives: its map of the shown frame over its
/// map of frame k fetched the same way. Where the motion is right the gain is 1 and the teacher's
/// map shows as the teacher made it; where the fetch lands on the wrong content (a disocclusion, a
/// motion the block matcher missed) the gain carries the student's map of what is there now, which
/// is within a few dB of the teacher's (docs/benchmarks.md, distill section). Without it, a map
/// carried a dozen frames by motion alone lit the fast pan 24 dB from the paper's own output for the
/// frame shown.
/// The maps are host arrays: the lane's and the student's tensors live in host memory (on CUDA the
/// paper's network keeps up and none of this runs).
/// Thread-safety: the lane's thread. Ownership: managed arrays only.
/// </summary>
public sealed class FreshLightMap
{
    /// <summary>
    /// The gain's range: the student's maps of one content at two times differ by a few percent, so
    /// a larger ratio is a fetch gone wrong on a near-black map, not light (a ratio of noise).
    /// </summary>
    private const float MaxGain = 4f;

    /// <summary>Student maps kept for frames offered to the teacher: it holds at most one and keeps one finished.</summary>
    private const int KeptStudentMaps = 4;

    private readonly FrameLayout _layout;
    private readonly int _studentWidth;
    private readonly int _studentHeight;
    private readonly float[] _teacher;
    private readonly float[] _gain;
    private readonly float[] _field;
    private readonly SortedDictionary<int, float[]> _studentOf = new();
    // Student maps let go, for the next frames offered (a few times a second; each is large-object-heap sized at 720p).
    private readonly Stack<float[]> _spare = new();
    private float[]? _studentOfTeacherFrame;

    /// <param name="layout">The lane's layout: its light map at the frame's size (full quality).</param>
    /// <param name="studentWidth">The student's light map's width (its layout's network width).</param>
    /// <param name="studentHeight">Its height.</param>
    public FreshLightMap(FrameLayout layout, int studentWidth, int studentHeight)
    {
        _layout = layout;
        _studentWidth = studentWidth;
        _studentHeight = studentHeight;
        _teacher = new float[layout.NetworkPixels];
        _gain = new float[layout.MotionWidth * layout.MotionHeight];
        _field = new float[2 * layout.MotionWidth * layout.MotionHeight];
    }

    /// <summary>Where the caller puts the motion from the shown frame back to <see cref="TeacherFrame"/> (as <c>MotionAccumulator</c> keeps it) before <see cref="Combine"/>.</summary>
    public Span<float> Field => _field;

    /// <summary>
    /// Whether a slow lane with a student places its maps this way: it carries its newest map
    /// without averaging (the live default) and the maps live in host memory (not CUDA's).
    /// </summary>
    public static bool Applies(TemporalOptions temporal, EnhancerResidence residence) =>
        !temporal.Enabled && temporal.FollowMotion && temporal.CorrectWithStudent && residence != EnhancerResidence.CudaImported;

    /// <summary>The frame whose teacher map lights the frames shown now; null before the scene's first.</summary>
    public int? TeacherFrame { get; private set; }

    private int StudentPixels => _studentWidth * _studentHeight;

    /// <summary>Frame <paramref name="frameIndex"/> went to the teacher: the student's map of it is kept for when the teacher's arrives.</summary>
    public void Offered(int frameIndex, ReadOnlySpan<float> student)
    {
        if (!_studentOf.TryGetValue(frameIndex, out var kept))
        {
            while (_studentOf.Count >= KeptStudentMaps) LetGo(_studentOf.Keys.First());
            _studentOf[frameIndex] = kept = _spare.Count > 0 ? _spare.Pop() : new float[StudentPixels];
        }
        student[..StudentPixels].CopyTo(kept);
    }

    /// <summary>
    /// The teacher's map of frame <paramref name="frameIndex"/> arrived: it lights the frames from
    /// now on. False, keeping the one before, where the student's map of that frame is not kept.
    /// </summary>
    public bool Took(int frameIndex, ReadOnlySpan<float> teacher)
    {
        if (!_studentOf.TryGetValue(frameIndex, out var student)) return false;
        teacher[.._teacher.Length].CopyTo(_teacher);
        if (_studentOfTeacherFrame is { } before && !ReferenceEquals(before, student)) _spare.Push(before);
        _studentOfTeacherFrame = student;
        // The map of the teacher's frame lives on as _studentOfTeacherFrame, out of the kept ones.
        _studentOf.Remove(frameIndex);
        foreach (int older in _studentOf.Keys.Where(f => f < frameIndex).ToList()) LetGo(older);
        TeacherFrame = frameIndex;
        return true;
    }

    private void LetGo(int frameIndex)
    {
        if (_studentOf.Remove(frameIndex, out var map)) _spare.Push(map);
    }

    /// <summary>A scene cut or another model: the teacher's map lights no later frame, and the kept student maps belong to the old scene.</summary>
    public void Forget()
    {
        TeacherFrame = null;
        if (_studentOfTeacherFrame is { } map) _spare.Push(map);
        _studentOfTeacherFrame = null;
        foreach (int frame in _studentOf.Keys.ToList()) LetGo(frame);
    }

    /// <summary>
    /// The shown frame's light map into <paramref name="into"/> (the lane's layout): the teacher's map
    /// fetched through <see cref="Field"/> (where each pixel of the shown frame was in the teacher's
    /// frame) times the student's gain.
    /// </summary>
    /// <param name="student">The student's map of the shown frame.</param>
    /// <param name="into">The lane slot's light map.</param>
    public void Combine(ReadOnlySpan<float> student, Memory<float> into)
    {
        if (_studentOfTeacherFrame is not { } then) throw new InvalidOperationException("no teacher map to combine (Took first)");
        int mw = _layout.MotionWidth, mh = _layout.MotionHeight, width = _layout.NetworkWidth, height = _layout.NetworkHeight;
        if (student.Length < StudentPixels || into.Length < _teacher.Length) throw new ArgumentException("the maps are smaller than their layouts");
        var field = _field;
        // Full-size pixel centre x ↔ motion cell centre (x + 0.5)·scale − 0.5, as reproject.comp maps them.
        float scaleX = (float)mw / width, scaleY = (float)mh / height;
        float toStudentX = (float)_studentWidth / width, toStudentY = (float)_studentHeight / height;
        for (int my = 0; my < mh; my++)
            for (int mx = 0; mx < mw; mx++)
            {
                int cell = my * mw + mx;
                float x = (mx + 0.5f) / scaleX - 0.5f, y = (my + 0.5f) / scaleY - 0.5f;
                float xThen = x + field[2 * cell] / scaleX, yThen = y + field[2 * cell + 1] / scaleY;
                float now = Bilinear(student, _studentWidth, _studentHeight, (x + 0.5f) * toStudentX - 0.5f, (y + 0.5f) * toStudentY - 0.5f);
                float before = Bilinear(then, _studentWidth, _studentHeight, (xThen + 0.5f) * toStudentX - 0.5f, (yThen + 0.5f) * toStudentY - 0.5f);
                float gain = now / before;
                // NaN (0/0) and a ratio out of range: a fetch gone wrong where the map is near black.
                _gain[cell] = float.IsNaN(gain) ? 1f : Math.Clamp(gain, 1f / MaxGain, MaxGain);
            }
        CombineRows(into[.._teacher.Length], scaleX, scaleY);
    }

    /// <summary>The full-size pass, bands of rows in parallel: the teacher's map fetched through the field, times the gain.</summary>
    private void CombineRows(Memory<float> into, float scaleX, float scaleY)
    {
        int mw = _layout.MotionWidth, mh = _layout.MotionHeight, width = _layout.NetworkWidth, height = _layout.NetworkHeight;
        var (teacher, gain, field) = (_teacher, _gain, _field);
        RowBands.For(height, (first, end) =>
        {
            var result = into.Span;
            for (int y = first; y < end; y++)
            {
                float my = Math.Clamp((y + 0.5f) * scaleY - 0.5f, 0f, mh - 1);
                int my0 = (int)my, my1 = Math.Min(my0 + 1, mh - 1);
                float fy = my - my0;
                for (int x = 0; x < width; x++)
                {
                    float mx = Math.Clamp((x + 0.5f) * scaleX - 0.5f, 0f, mw - 1);
                    int mx0 = (int)mx, mx1 = Math.Min(mx0 + 1, mw - 1);
                    float fx = mx - mx0;
                    int a = my0 * mw + mx0, b = my0 * mw + mx1, c = my1 * mw + mx0, d = my1 * mw + mx1;
                    float dx = Lerp2(field[2 * a], field[2 * b], field[2 * c], field[2 * d], fx, fy);
                    float dy = Lerp2(field[2 * a + 1], field[2 * b + 1], field[2 * c + 1], field[2 * d + 1], fx, fy);
                    float g = Lerp2(gain[a], gain[b], gain[c], gain[d], fx, fy);
                    result[y * width + x] = g * Bilinear(teacher, width, height, x + dx / scaleX, y + dy / scaleY);
                }
            }
        });
    }

    private static float Lerp2(float a, float b, float c, float d, float fx, float fy) =>
        (1f - fy) * (a + fx * (b - a)) + fy * (c + fx * (d - c));

    /// <summary>Bilinear at (x, y) in pixels (centres at whole numbers), clamped into the plane.</summary>
    private static float Bilinear(ReadOnlySpan<float> plane, int width, int height, float x, float y)
    {
        x = Math.Clamp(x, 0f, width - 1);
        y = Math.Clamp(y, 0f, height - 1);
        int x0 = (int)x, y0 = (int)y;
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        return Lerp2(plane[y0 * width + x0], plane[y0 * width + x1], plane[y1 * width + x0], plane[y1 * width + x1], x - x0, y - y0);
    }
}
