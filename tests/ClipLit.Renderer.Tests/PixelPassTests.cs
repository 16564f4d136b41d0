using ClipLit.Inference.Imaging;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;

namespace ClipLit.Renderer.Tests;

/// <summary>The per-pixel shaders against their CPU references on a real photo and on odd sizes.</summary>
[TestFixture]
public sealed class PixelPassTests : DeviceFixture
{
    private static IEnumerable<TestCaseData> Sizes() =>
        new[] { (1, 1), (3, 5), (17, 13), (512, 384), (1921, 1081) }.Select(s => new TestCaseData(s.Item1, s.Item2).SetArgDisplayNames($"{s.Item1}x{s.Item2}"));

    [TestCaseSource(nameof(Sizes))]
    public void UnpackAndComposeEqualTheCpuReference(int width, int height)
    {
        var size = new FrameFormat((uint)width, (uint)height, 8);
        int pixels = size.Pixels;
        var rgba = RealPixels(width, height);
        var lightMap = new float[pixels];
        var random = new Random(width * 31 + height);
        for (int i = 0; i < pixels; i++) lightMap[i] = i % 97 == 0 ? 0f : (float)(0.05 + random.NextDouble());

        using var table = new Unit8Table(Device);
        using var frame = new VkHostBuffer(Device, (ulong)rgba.Length, "frame");
        using var planar = new VkHostBuffer(Device, (ulong)(3 * pixels * sizeof(float)), "planar");
        using var light = new VkHostBuffer(Device, (ulong)(pixels * sizeof(float)), "light map");
        using var output = new VkHostBuffer(Device, (ulong)rgba.Length, "output");
        rgba.CopyTo(frame.AsSpan<byte>());
        lightMap.CopyTo(light.AsSpan<float>());

        using var unpack = new UnpackPass(Device);
        using var compose = new ComposePass(Device);
        using var unpackBindings = unpack.Bind(frame, table, planar);
        using var range = new VkHostBuffer(Device, LightRangePass.RangeBytes, "range (unread at full size)");
        using var history = new VkHostBuffer(Device, (ulong)rgba.Length * 4, "denoise history (unused: the plain variant)");
        using var composeBindings = compose.Bind(frame, table, light, output, range, history, motion: range); // the denoise's buffers: unread here
        using var recorder = new VkCommandRecorder(Device, "test");
        recorder.Begin();
        unpack.Record(recorder.CommandBuffer, unpackBindings, size);
        recorder.Barrier();
        compose.Record(recorder.CommandBuffer, composeBindings, new ComposePush(size.Width, size.Height, size.BitsPerChannel, 0));
        recorder.Submit();
        recorder.Wait();

        var expectedPlanar = new float[3 * pixels];
        PlanarConversion.ToPlanar(rgba, expectedPlanar, pixels);
        Assert.That(planar.AsSpan<float>()[..(3 * pixels)].ToArray(), Is.EqualTo(expectedPlanar), "unpack is exact");

        PlanarConversion.Compose(expectedPlanar, lightMap, pixels);
        var expectedRgba = (byte[])rgba.Clone();
        PlanarConversion.ToRgba(expectedPlanar, expectedRgba, pixels);
        var actual = output.AsSpan<byte>()[..rgba.Length].ToArray();
        var (equal, maxDifference) = ImageMetrics.CompareBytes(actual, expectedRgba);
        TestContext.Out.WriteLine($"compose: {equal:P4} equal, max difference {maxDifference}");
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1), "compose within one level of the CPU");
        Assert.That(equal, Is.GreaterThanOrEqualTo(0.999));
    }

    [TestCase(17, 13)]
    [TestCase(512, 384)]
    public void SixteenBitUnpackAndComposeEqualTheCpuReference(int width, int height)
    {
        // 16-bit words from a real photo, spread over the whole range with varied low bits and alpha.
        var bytes = RealPixels(width, height);
        var rgba = new ushort[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) rgba[i] = (ushort)(bytes[i] * 257 + (i * 131) % 257);
        var size = new FrameFormat((uint)width, (uint)height, 16);
        int pixels = size.Pixels;
        var lightMap = new float[pixels];
        var random = new Random(width * 17 + height);
        for (int i = 0; i < pixels; i++) lightMap[i] = i % 89 == 0 ? 0f : (float)(0.05 + random.NextDouble());

        using var table = new Unit8Table(Device);
        using var frame = new VkHostBuffer(Device, (ulong)(rgba.Length * sizeof(ushort)), "frame");
        using var planar = new VkHostBuffer(Device, (ulong)(3 * pixels * sizeof(float)), "planar");
        using var light = new VkHostBuffer(Device, (ulong)(pixels * sizeof(float)), "light map");
        using var output = new VkHostBuffer(Device, (ulong)(rgba.Length * sizeof(ushort)), "output");
        rgba.CopyTo(frame.AsSpan<ushort>());
        lightMap.CopyTo(light.AsSpan<float>());

        using var unpack = new UnpackPass(Device);
        using var compose = new ComposePass(Device);
        using var unpackBindings = unpack.Bind(frame, table, planar);
        using var range = new VkHostBuffer(Device, LightRangePass.RangeBytes, "range (unread at full size)");
        using var history = new VkHostBuffer(Device, (ulong)rgba.Length * 4, "denoise history (unused: the plain variant)");
        using var composeBindings = compose.Bind(frame, table, light, output, range, history, motion: range); // the denoise's buffers: unread here
        using var recorder = new VkCommandRecorder(Device, "test");
        recorder.Begin();
        unpack.Record(recorder.CommandBuffer, unpackBindings, size);
        recorder.Barrier();
        compose.Record(recorder.CommandBuffer, composeBindings, new ComposePush(size.Width, size.Height, size.BitsPerChannel, 0));
        recorder.Submit();
        recorder.Wait();

        var expectedPlanar = new float[3 * pixels];
        PlanarConversion.ToPlanar(rgba, expectedPlanar, pixels);
        var actualPlanar = planar.AsSpan<float>()[..(3 * pixels)].ToArray();
        float worst = actualPlanar.Zip(expectedPlanar, (a, e) => Math.Abs(a - e)).Max();
        Assert.That(worst, Is.Not.NaN.And.LessThanOrEqualTo(1.2e-7f), "unpack within a rounding step of v / 65535");

        PlanarConversion.Compose(expectedPlanar, lightMap, pixels);
        var expectedRgba = (ushort[])rgba.Clone();
        PlanarConversion.ToRgba(expectedPlanar, expectedRgba, pixels);
        var actual = output.AsSpan<ushort>()[..rgba.Length].ToArray();
        int maxDifference = actual.Zip(expectedRgba, (a, e) => Math.Abs(a - e)).Max();
        double equal = actual.Zip(expectedRgba).Count(p => p.First == p.Second) / (double)actual.Length;
        TestContext.Out.WriteLine($"16-bit compose: {equal:P4} equal, max difference {maxDifference}");
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1), "compose within one level of the CPU");
        Assert.That(equal, Is.GreaterThanOrEqualTo(0.999));
        for (int i = 3; i < rgba.Length; i += 4) Assert.That(actual[i], Is.EqualTo(rgba[i]), "alpha is copied");
    }

    /// <summary>RGBA bytes of a real photo, tiled to the size, with varied alpha.</summary>
    internal static byte[] RealPixels(int width, int height)
    {
        using var photo = StillImageReader.Read(Path.Combine(SharedData.Path("golden", "enhance-512"), "110_51093502029_o.input.png"));
        var source = new byte[4 * photo.Width * photo.Height];
        photo.CopyPixelsTo(source);
        var rgba = new byte[4 * width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int s = 4 * ((y % photo.Height) * photo.Width + (x % photo.Width));
                int d = 4 * (y * width + x);
                rgba[d] = source[s];
                rgba[d + 1] = source[s + 1];
                rgba[d + 2] = source[s + 2];
                rgba[d + 3] = (byte)(x * 7 + y);
            }
        return rgba;
    }
}
