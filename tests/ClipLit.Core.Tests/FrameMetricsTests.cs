using ClipLit.Core.Imaging;

namespace ClipLit.Core.Tests;

/// <summary>The benchmark's image figures on images whose answers are known.</summary>
[TestFixture]
public sealed class FrameMetricsTests
{
    [Test]
    public void EdgeBandIsTheStripAroundAStep()
    {
        // A dark left half and a bright right half: the step lies between columns 19 and 20.
        const int width = 40, height = 10;
        var rgba = new byte[4 * width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = x < 20 ? (byte)30 : (byte)220;
                rgba[4 * (y * width + x)] = v;
                rgba[4 * (y * width + x) + 1] = v;
                rgba[4 * (y * width + x) + 2] = v;
            }
        var band = FrameMetrics.EdgeBand(rgba, width, height, threshold: 0.15f, reach: 4);
        var columns = Enumerable.Range(0, width).Where(x => band[5 * width + x]).ToArray();
        // Sobel marks columns 19 and 20; widened by 4 pixels each way.
        Assert.That(columns, Is.EqualTo(Enumerable.Range(15, 10)));
        Assert.That(Enumerable.Range(0, height).All(y => band[y * width + 15] && !band[y * width + 14]));
    }

    [Test]
    public void MaskedPsnrCountsOnlyTheMaskedPixels()
    {
        var a = new byte[4 * 4];
        var b = new byte[4 * 4];
        b[0] = 10; // pixel 0 differs in red by 10; pixel 1..3 are equal
        var onlyFirst = new[] { true, false, false, false };
        var all = new[] { true, true, true, true };
        Assert.That(FrameMetrics.Psnr(a, b, onlyFirst), Is.EqualTo(10 * Math.Log10(255.0 * 255.0 * 3 / 100)).Within(1e-9));
        Assert.That(FrameMetrics.Psnr(a, b, all), Is.EqualTo(FrameMetrics.Psnr(a, b)).Within(1e-9));
        Assert.That(FrameMetrics.Psnr(a, b, new[] { false, true, true, true }), Is.EqualTo(double.PositiveInfinity));
    }
}
