using ClipLit.Inference.Imaging;

namespace ClipLit.Inference.Tests;

/// <summary>Pre- and post-processing exactly as the paper's test script (numpy, torchvision) computes them.</summary>
[TestFixture]
public sealed class PlanarConversionTests
{
    [Test]
    public void EightBitValuesBecomeFloat32OfTheDoubleQuotient()
    {
        var rgba = new byte[4 * 256];
        for (int v = 0; v < 256; v++) { rgba[4 * v] = (byte)v; rgba[4 * v + 1] = (byte)(255 - v); rgba[4 * v + 2] = (byte)(v / 2); rgba[4 * v + 3] = 7; }
        var planar = new float[3 * 256];
        PlanarConversion.ToPlanar(rgba, planar, 256);
        for (int v = 0; v < 256; v++)
        {
            Assert.That(planar[v], Is.EqualTo((float)(v / 255.0)));
            Assert.That(planar[256 + v], Is.EqualTo((float)((255 - v) / 255.0)));
            Assert.That(planar[512 + v], Is.EqualTo((float)(v / 2 / 255.0)));
        }
    }

    [Test]
    public void ComposeDividesClampsAndTurnsZeroOverZeroIntoBlack()
    {
        // 19 pixels: more than one SIMD vector plus a scalar tail.
        const int n = 19;
        var planar = new float[3 * n];
        var light = new float[n];
        for (int i = 0; i < n; i++)
        {
            light[i] = i switch { 0 => 0f, 1 => 0f, 2 => 0.1f, _ => 0.05f * i };
            for (int c = 0; c < 3; c++) planar[c * n + i] = i == 0 ? 0f : 0.02f * (i + c);
        }
        var expected = planar.Select((v, k) => PlanarConversion.ComposeOne(v, light[k % n])).ToArray();
        PlanarConversion.Compose(planar, light, n);
        Assert.That(planar, Is.EqualTo(expected));
        Assert.That(planar[0], Is.EqualTo(0f), "0/0 is black");
        Assert.That(planar[1], Is.EqualTo(1f), "x/0 saturates");
        Assert.That(planar.All(v => v is >= 0f and <= 1f));
    }

    [Test]
    public void QuantizationRoundsLikeTorchvisionAndKeepsAlpha()
    {
        var values = new[] { 0f, 0.5f / 255f, 0.49f / 255f, 1f, 0.999999f, 254.5f / 255f, float.NaN, 1.5f, -0.2f };
        var planar = new float[3 * values.Length];
        values.CopyTo(planar, 0);
        values.CopyTo(planar, values.Length);
        values.CopyTo(planar, 2 * values.Length);
        var rgba = Enumerable.Repeat((byte)99, 4 * values.Length).ToArray();
        PlanarConversion.ToRgba(planar, rgba, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            int expected = float.IsNaN(v) ? 0 : (int)Math.Clamp(MathF.Floor(v * 255f + 0.5f), 0, 255);
            Assert.That(rgba[4 * i], Is.EqualTo(expected), $"value {v}");
            Assert.That(rgba[4 * i + 3], Is.EqualTo(99), "alpha untouched");
        }
    }

    [Test]
    public void VectorAndScalarPathsAgreeOnRandomPixelsAndOddCounts()
    {
        const int n = 1003;
        var random = new Random(7);
        var rgba = new byte[4 * n];
        random.NextBytes(rgba);
        var planar = new float[3 * n];
        PlanarConversion.ToPlanar(rgba, planar, n);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                Assert.That(planar[c * n + i], Is.EqualTo((float)(rgba[4 * i + c] / 255.0)), $"pixel {i} channel {c}");

        var values = new float[3 * n];
        for (int k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() * 1.2 - 0.1);
        var output = (byte[])rgba.Clone();
        PlanarConversion.ToRgba(values, output, n);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
                Assert.That(output[4 * i + c], Is.EqualTo(PlanarConversion.Quantize(values[c * n + i], 255f)), $"pixel {i} channel {c}");
            Assert.That(output[4 * i + 3], Is.EqualTo(rgba[4 * i + 3]), $"alpha of pixel {i}");
        }
    }

    [Test]
    public void SixteenBitRoundTripIsLossless()
    {
        var rgba = new ushort[4 * 1000];
        var random = new Random(5);
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (ushort)random.Next(65536);
        var planar = new float[3 * 1000];
        PlanarConversion.ToPlanar(rgba, planar, 1000);
        var back = (ushort[])rgba.Clone();
        PlanarConversion.ToRgba(planar, back, 1000);
        Assert.That(back, Is.EqualTo(rgba));
    }
}
