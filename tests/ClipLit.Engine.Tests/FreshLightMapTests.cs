using ClipLit.Engine.Live;
using ClipLit.Renderer;
using ClipLit.TestSupport;

namespace ClipLit.Engine.Tests;

/// <summary>
/// <see cref="FreshLightMap"/>'s combination on PyTorch's own light map of a real backlit photo (the
/// golden 512 px set), moved across the frame as a pan moves it. The student's maps here are that
/// map's cell means at the student's size (what a student approximates): the end-to-end test with
/// the shipped student is <c>LiveMotionTests.FullQualityWithAStudentLightsEachShownFrameWhereItIsNow</c>.
/// </summary>
[TestFixture]
public sealed class FreshLightMapTests
{
    private const int Shift = 12; // pixels the content moved between the teacher's frame and the shown one

    [Test]
    public void WhereNothingMovedTheTeachersMapShowsAsItIs()
    {
        var (teacher, layout) = TeacherMap();
        var student = CellMeans(teacher, layout);
        var fresh = Fresh(layout, teacher, student);
        var combined = new float[layout.NetworkPixels];
        fresh.Combine(student, combined);
        Assert.That(ImageMetrics.MaxAbsDifference(combined, teacher), Is.Not.NaN.And.LessThan(1e-6), "gain 1, no motion: the teacher's map itself");
    }

    [Test]
    public void AMapCarriedThroughTheRightMotionLightsWhereTheContentMoved()
    {
        var (teacher, layout) = TeacherMap();
        var moved = Moved(teacher, layout);
        var fresh = Fresh(layout, teacher, CellMeans(teacher, layout));
        // Each pixel of the shown frame was Shift pixels to the left in the teacher's frame.
        float dx = -Shift * (float)layout.MotionWidth / layout.Width;
        for (int i = 0; i < fresh.Field.Length; i += 2) (fresh.Field[i], fresh.Field[i + 1]) = (dx, 0f);
        var combined = new float[layout.NetworkPixels];
        fresh.Combine(CellMeans(moved, layout), combined);
        double psnr = Interior(combined, moved, layout);
        TestContext.Out.WriteLine($"carried through the right motion: {psnr:F1} dB from the moved map");
        Assert.That(psnr, Is.Not.NaN.And.GreaterThan(45));
    }

    [Test]
    public void WhereTheMotionMissedTheStudentsMapOfTheShownFrameCorrectsIt()
    {
        var (teacher, layout) = TeacherMap();
        var moved = Moved(teacher, layout);
        var fresh = Fresh(layout, teacher, CellMeans(teacher, layout));
        // The motion estimate missed the pan altogether (the field says nothing moved).
        var combined = new float[layout.NetworkPixels];
        fresh.Combine(CellMeans(moved, layout), combined);
        double carriedAlone = Interior(teacher, moved, layout), corrected = Interior(combined, moved, layout);
        TestContext.Out.WriteLine($"motion missed: carried alone {carriedAlone:F1} dB, corrected by the student {corrected:F1} dB from the moved map");
        Assert.That(corrected, Is.Not.NaN.And.GreaterThan(carriedAlone + 3), "the gain moves the light where the content went");
    }

    [Test]
    public void ACutForgetsTheTeachersMap()
    {
        var (teacher, layout) = TeacherMap();
        var student = CellMeans(teacher, layout);
        var fresh = Fresh(layout, teacher, student);
        Assert.That(fresh.TeacherFrame, Is.EqualTo(3));
        fresh.Forget();
        Assert.That(fresh.TeacherFrame, Is.Null);
        Assert.That(() => fresh.Combine(student, new float[layout.NetworkPixels]), Throws.InvalidOperationException);
        Assert.That(fresh.Took(4, teacher), Is.False, "a map of a frame whose student map is not kept is not taken");
    }

    private const int StudentFactor = 5;

    private static FreshLightMap Fresh(FrameLayout layout, float[] teacher, float[] studentOfTeacherFrame)
    {
        var fresh = new FreshLightMap(layout, layout.Width / StudentFactor, layout.Height / StudentFactor);
        fresh.Offered(3, studentOfTeacherFrame);
        Assert.That(fresh.Took(3, teacher), Is.True);
        return fresh;
    }

    /// <summary>The paper's light map of a real photo (PyTorch, the golden set) and a full-quality layout of its size.</summary>
    private static (float[] Map, FrameLayout Layout) TeacherMap()
    {
        var (folder, stem) = SharedData.GoldenImages().First(g => g.Folder.EndsWith("enhance-512", StringComparison.Ordinal));
        var map = Npy.ReadFloat32(Path.Combine(folder, stem + ".lightmap.npy"));
        int height = (int)map.Shape[^2], width = (int)map.Shape[^1];
        return (map.Values, FrameLayout.For(width, height, EnhanceQuality.Full));
    }

    /// <summary>The map as the shown frame has it: its content <see cref="Shift"/> pixels to the right (the left edge repeated).</summary>
    private static float[] Moved(float[] map, FrameLayout layout)
    {
        var moved = new float[map.Length];
        for (int y = 0; y < layout.Height; y++)
            for (int x = 0; x < layout.Width; x++)
                moved[y * layout.Width + x] = map[y * layout.Width + Math.Max(0, x - Shift)];
        return moved;
    }

    /// <summary>Means of 5x5 cells: a student's map at its size, as near the teacher's as a student gets.</summary>
    private static float[] CellMeans(float[] map, FrameLayout layout)
    {
        int w = layout.Width / StudentFactor, h = layout.Height / StudentFactor;
        var small = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float sum = 0f;
                for (int j = 0; j < StudentFactor; j++)
                    for (int i = 0; i < StudentFactor; i++)
                        sum += map[(y * StudentFactor + j) * layout.Width + x * StudentFactor + i];
                small[y * w + x] = sum / (StudentFactor * StudentFactor);
            }
        return small;
    }

    /// <summary>PSNR away from the edges the shift uncovers (the left and right 2·Shift columns).</summary>
    private static double Interior(float[] actual, float[] expected, FrameLayout layout)
    {
        var a = new List<float>();
        var e = new List<float>();
        for (int y = 0; y < layout.Height; y++)
            for (int x = 2 * Shift; x < layout.Width - 2 * Shift; x++)
            {
                a.Add(actual[y * layout.Width + x]);
                e.Add(expected[y * layout.Width + x]);
            }
        return ImageMetrics.Psnr(a.ToArray(), e.ToArray());
    }
}
