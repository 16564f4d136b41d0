using ClipLit.Engine.Motion;
using ClipLit.Renderer;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;

namespace ClipLit.Engine.Tests;

/// <summary>
/// The light map's motion field: the estimator finds a real photo's pan to a fraction of a pixel,
/// and the luma it runs on is the frame's box-averaged Rec. 709 luminance at 8 and 16 bits.
/// </summary>
[TestFixture]
public sealed class MotionTests
{
    [TestCase(3.4f, -2.2f)]
    [TestCase(-11.6f, 0.7f)]
    [TestCase(0f, 0f)]
    public void APanOfARealPhotoIsFoundToAFractionOfAPixel(float panX, float panY)
    {
        var (luma, width, height) = PhotoLuma(256);
        // The current frame shows what was at p + pan in the previous one: the motion is the pan everywhere.
        var current = Bilinear(luma, width, height, panX, panY);
        var motion = new float[2 * width * height];
        new BlockMotionEstimator().Estimate(luma, current, width, height, motion);

        // Away from the border (content enters there and edges are clamped), the median error is small.
        var errors = new List<double>();
        for (int y = 24; y < height - 24; y++)
            for (int x = 24; x < width - 24; x++)
            {
                int i = 2 * (y * width + x);
                errors.Add(Math.Sqrt(Math.Pow(motion[i] - panX, 2) + Math.Pow(motion[i + 1] - panY, 2)));
            }
        errors.Sort();
        double median = errors[errors.Count / 2], ninetieth = errors[errors.Count * 9 / 10];
        TestContext.Out.WriteLine($"pan ({panX}, {panY}): median error {median:F3} px, 90th percentile {ninetieth:F3} px");
        Assert.That(double.IsFinite(median) && median < 0.25, $"median error {median:F3} px for a pan of ({panX}, {panY})");
        Assert.That(double.IsFinite(ninetieth) && ninetieth < 0.4, $"90th percentile error {ninetieth:F3} px");
    }

    [Test]
    public void AnOfferedFramesPlaceIsCarriedThroughEveryLaterFrame()
    {
        const int width = 40, height = 24;
        var accumulator = new MotionAccumulator(width, height);
        float[] Uniform(float dx, float dy) => Enumerable.Range(0, 2 * width * height).Select(i => i % 2 == 0 ? dx : dy).ToArray();
        var field = new float[2 * width * height];

        accumulator.Begin(5);
        accumulator.Advance(Uniform(1.5f, 0));
        accumulator.Begin(6);
        accumulator.Advance(Uniform(2f, -1f));
        accumulator.Advance(Uniform(0.5f, 0.25f));

        // Frame 6's map, shown two frames later: each pixel was (2.5, -0.75) away when frame 6 was taken.
        Assert.That(accumulator.Take(6, field), Is.True);
        Assert.That((field[2 * (12 * width + 20)], field[2 * (12 * width + 20) + 1]), Is.EqualTo((2.5f, -0.75f)));
        Assert.That(accumulator.Count, Is.Zero, "frame 5's field is older than the map shown: let go");
        Assert.That(accumulator.Take(5, field), Is.False);

        // A field where the motion varies is chained through the earlier position: p + m(p), then that point's own field.
        accumulator.Begin(9);
        var ramp = Enumerable.Range(0, 2 * width * height).Select(i => i % 2 == 0 ? (i / 2 % width) * 0.1f : 0f).ToArray();
        accumulator.Advance(ramp);
        accumulator.Advance(Uniform(3f, 0));
        Assert.That(accumulator.Take(9, field), Is.True);
        // At x = 10: 3 px back to x = 13, whose ramp motion is 1.3: 4.3 in all.
        Assert.That(field[2 * (12 * width + 10)], Is.EqualTo(4.3f).Within(1e-5f));
    }

    [Test]
    public void TheLumaIsTheFramesLuminanceAveragedOverMotionPixels()
    {
        var layout = FrameLayout.For(1280, 720, EnhanceQuality.Fast);
        Assert.That((layout.MotionFactor, layout.MotionWidth, layout.MotionHeight), Is.EqualTo((5, 256, 144)));
        var random = new Random(5);
        var rgba8 = new byte[layout.FrameBytes];
        random.NextBytes(rgba8);
        var luma8 = new float[layout.MotionWidth * layout.MotionHeight];
        MotionLuma.From(rgba8, layout, luma8);

        // The same picture at 16 bits (each 8-bit level v as v·257) gives the same luma.
        var layout16 = layout with { BitsPerChannel = 16 };
        var rgba16 = new byte[layout16.FrameBytes];
        for (int i = 0; i < rgba8.Length; i++)
        {
            rgba16[2 * i] = rgba8[i];
            rgba16[2 * i + 1] = rgba8[i];
        }
        var luma16 = new float[luma8.Length];
        MotionLuma.From(rgba16, layout16, luma16);

        foreach (var (mx, my) in new[] { (0, 0), (255, 143), (100, 50) })
        {
            double expected = BoxLuma(rgba8, layout, mx, my);
            Assert.That(luma8[my * 256 + mx], Is.EqualTo(expected).Within(1e-5), $"8-bit luma at ({mx}, {my})");
            Assert.That(luma16[my * 256 + mx], Is.EqualTo(expected).Within(1e-5), $"16-bit luma at ({mx}, {my})");
        }

        // An odd size: rows that are not whole vectors, and columns and rows past the field's last whole square left out.
        var odd = FrameLayout.For(1921, 1081, EnhanceQuality.Fast);
        Assert.That((odd.MotionFactor, odd.MotionWidth, odd.MotionHeight), Is.EqualTo((8, 240, 135)));
        var rgbaOdd = new byte[odd.FrameBytes];
        random.NextBytes(rgbaOdd);
        var lumaOdd = new float[odd.MotionWidth * odd.MotionHeight];
        MotionLuma.From(rgbaOdd, odd, lumaOdd);
        foreach (var (mx, my) in new[] { (0, 0), (239, 134), (239, 0), (17, 100) })
            Assert.That(lumaOdd[my * 240 + mx], Is.EqualTo(BoxLuma(rgbaOdd, odd, mx, my)).Within(1e-5), $"1921x1081 luma at ({mx}, {my})");
    }

    /// <summary>Motion pixel (mx, my)'s luma in double precision: the Rec. 709 luminance of its factor x factor square of an RGBA8 frame, averaged.</summary>
    private static double BoxLuma(byte[] rgba, FrameLayout layout, int mx, int my)
    {
        int factor = layout.MotionFactor;
        double sum = 0;
        for (int y = my * factor; y < (my + 1) * factor; y++)
            for (int x = mx * factor; x < (mx + 1) * factor; x++)
            {
                int p = 4 * (y * layout.Width + x);
                sum += (0.2126 * rgba[p] + 0.7152 * rgba[p + 1] + 0.0722 * rgba[p + 2]) / 255.0;
            }
        return sum / (factor * factor);
    }

    /// <summary>A backlit photo's luminance, area-downscaled to <paramref name="width"/> columns.</summary>
    private static (float[] Luma, int Width, int Height) PhotoLuma(int width)
    {
        using var image = StillImageReader.Read(Path.Combine(SharedData.BacklitPhotos, "91_51094235055_o.jpg"));
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        int factor = image.Width / width;
        int height = image.Height / factor;
        var luma = new float[width * height];
        // Box means, as MotionLuma takes them (its factor follows the frame's long side; here the photo's own).
        for (int y = 0; y < height * factor; y++)
            for (int x = 0; x < width * factor; x++)
            {
                int p = 4 * (y * image.Width + x);
                luma[y / factor * width + x / factor] += (0.2126f * rgba[p] + 0.7152f * rgba[p + 1] + 0.0722f * rgba[p + 2]) / 255f / (factor * factor);
            }
        return (luma, width, height);
    }

    /// <summary>image(p + (dx, dy)), bilinear, edges clamped.</summary>
    private static float[] Bilinear(float[] image, int width, int height, float dx, float dy)
    {
        var result = new float[image.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float sx = Math.Clamp(x + dx, 0, width - 1), sy = Math.Clamp(y + dy, 0, height - 1);
                int x0 = (int)sx, y0 = (int)sy, x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
                float fx = sx - x0, fy = sy - y0;
                result[y * width + x] = (1 - fy) * ((1 - fx) * image[y0 * width + x0] + fx * image[y0 * width + x1])
                    + fy * ((1 - fx) * image[y1 * width + x0] + fx * image[y1 * width + x1]);
            }
        return result;
    }
}
