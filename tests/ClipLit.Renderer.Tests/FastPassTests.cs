using ClipLit.Inference.Imaging;
using ClipLit.TestSupport;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Tests;

/// <summary>The fast-quality passes (downscale, guided filter, compose with the light map brought up from the network's size, temporal average) against their CPU references.</summary>
[TestFixture]
public sealed class FastPassTests : DeviceFixture
{
    private static IEnumerable<TestCaseData> Sizes() =>
        new[] { (317, 181, 96, 55), (64, 48, 64, 48), (1280, 720, 256, 144), (7, 5, 3, 2) }
            .Select(s => new TestCaseData(s.Item1, s.Item2, s.Item3, s.Item4).SetArgDisplayNames($"{s.Item1}x{s.Item2} to {s.Item3}x{s.Item4}"));

    [TestCaseSource(nameof(Sizes))]
    public void FastPassesEqualTheirCpuReferences(int width, int height, int smallWidth, int smallHeight)
    {
        var rgba = RealFrame(width, height);
        int n = smallWidth * smallHeight;
        using var table = new Unit8Table(Device);
        using var frame = Buffer(rgba.Length * 4, "frame");
        rgba.CopyTo(frame.AsSpan<uint>());
        using var small = Buffer(4 * n * 4, "small");
        using var light = Buffer(n * 4, "light");
        using var coefficients = Buffer(2 * n * 4, "coefficients");
        using var means = Buffer(2 * n * 4, "means");
        using var output = Buffer(rgba.Length * 4, "output");
        using var history = Buffer(n * 4, "history");
        using var downscale = new DownscalePass(Device);
        using var guided = new GuidedCoefficientsPass(Device);
        using var box = new BoxMeanPass(Device);
        using var compose = new ComposePass(Device);
        using var temporal = new TemporalPass(Device);
        using var recorder = new VkCommandRecorder(Device, "fast passes");

        // Downscale.
        using (var bindings = downscale.Bind(frame, table, small))
            Run(recorder, c => downscale.Record(c, bindings, new DownscalePush((uint)width, (uint)height, (uint)smallWidth, (uint)smallHeight, 8)));
        var planes = small.AsSpan<float>()[..(4 * n)].ToArray();
        AssertClose(planes, CpuReference.Downscale(rgba, width, height, smallWidth, smallHeight), 1e-6, "downscale");

        // A light map with structure: darker where the guidance is dark, as the network's is.
        var lightMap = new float[n];
        for (int i = 0; i < n; i++) lightMap[i] = 0.15f + 0.8f * planes[3 * n + i] * (i % 7 == 0 ? 0.9f : 1f);
        lightMap.CopyTo(light.AsSpan<float>());

        const int radius = 1;
        const float epsilon = 1e-4f;
        using (var bindings = guided.Bind(small, light, coefficients))
            Run(recorder, c => guided.Record(c, bindings, new GuidedCoefficientsPush((uint)smallWidth, (uint)smallHeight, radius, epsilon)));
        var ab = coefficients.AsSpan<float>()[..(2 * n)].ToArray();
        AssertClose(ab, CpuReference.GuidedCoefficients(planes, lightMap, smallWidth, smallHeight, radius, epsilon), 2e-3, "guided coefficients");

        using (var bindings = box.Bind(coefficients, means))
            Run(recorder, c => box.Record(c, bindings, new BoxMeanPush((uint)smallWidth, (uint)smallHeight, 2, radius)));
        var meanAb = means.AsSpan<float>()[..(2 * n)].ToArray();
        AssertClose(meanAb, CpuReference.BoxMean(ab, smallWidth, smallHeight, 2, radius), 1e-5, "box mean");

        // Compose brings the light map up to the frame's size per pixel: the enhanced frame equals the
        // CPU's upsampling followed by the CPU's compose, within one level where a float rounds differently.
        var frameBytes = new byte[rgba.Length * 4];
        System.Buffer.BlockCopy(rgba, 0, frameBytes, 0, frameBytes.Length);
        // The bounds the upsampled light map is kept within, found on the GPU from the small light map.
        using var range = Buffer((int)LightRangePass.RangeBytes, "range");
        using (var lightRange = new LightRangePass(Device))
        using (var bindings = lightRange.Bind(light, range))
            Run(recorder, c => lightRange.Record(c, bindings, new LightRangePush((uint)n)));
        float lo = range.AsSpan<float>()[0], hi = range.AsSpan<float>()[1];
        Assert.That((lo, hi), Is.EqualTo((Math.Max(lightMap.Min() * 0.5f, 1e-3f), Math.Max(lightMap.Max() * 1.5f, 1e-3f))), "light range");

        using var denoiseHistory = Buffer(4 * frameBytes.Length, "denoise history (unused: the plain variant)");
        foreach (var (mode, source, values) in new[] { (LightMode.Bilinear, light, lightMap), (LightMode.EdgeAware, means, meanAb) })
        {
            using var bindings = compose.Bind(frame, table, source, output, range, denoiseHistory, motion: range); // the denoise's: unread here
            Run(recorder, c => compose.Record(c, bindings, new ComposePush((uint)width, (uint)height, 8, 0, (uint)smallWidth, (uint)smallHeight, mode)));
            var fullLight = CpuReference.Upsample(rgba, width, height, values, smallWidth, smallHeight, mode == LightMode.EdgeAware, lo, hi);
            var planar = new float[3 * width * height];
            PlanarConversion.ToPlanar(frameBytes, planar, width * height);
            PlanarConversion.Compose(planar, fullLight, width * height);
            var expected = (byte[])frameBytes.Clone();
            PlanarConversion.ToRgba(planar, expected, width * height);
            var (equal, maxDifference) = ImageMetrics.CompareBytes(output.AsSpan<byte>()[..frameBytes.Length].ToArray(), expected);
            TestContext.Out.WriteLine($"compose {mode}: {equal:P4} equal, max difference {maxDifference}");
            Assert.That(maxDifference, Is.LessThanOrEqualTo(1), $"compose {mode}");
            Assert.That(equal, Is.GreaterThanOrEqualTo(0.999), $"compose {mode}");
            Assert.That(expected, Is.Not.EqualTo(frameBytes), "the light map changes the frame");
        }

        // Temporal: restart with weight 1, then blend.
        using (var bindings = temporal.Bind(light, history))
        {
            Run(recorder, c => temporal.Record(c, bindings, new TemporalPush((uint)n, 1f)));
            Assert.That(history.AsSpan<float>()[..n].ToArray(), Is.EqualTo(lightMap), "weight 1 restarts the average");
            var next = lightMap.Select(v => v * 0.5f).ToArray();
            next.CopyTo(light.AsSpan<float>());
            Run(recorder, c => temporal.Record(c, bindings, new TemporalPush((uint)n, 0.25f)));
            AssertClose(history.AsSpan<float>()[..n].ToArray(), lightMap.Select((v, i) => v + (next[i] - v) * 0.25f).ToArray(), 1e-6, "temporal blend");
        }
    }

    [TestCase(256, 144, 256, 144, 0.3f, false)]
    [TestCase(1280, 720, 256, 144, 0.3f, false)]
    [TestCase(97, 55, 40, 23, 0.5f, true)]
    [TestCase(256, 144, 256, 144, 1f, true)]
    [TestCase(97, 55, 40, 23, 0f, false)]
    public void ReprojectionEqualsItsCpuReference(int width, int height, int motionWidth, int motionHeight, float weight, bool mapMoved)
    {
        int n = width * height, m = motionWidth * motionHeight;
        var random = new Random(width);
        // A smooth old average and a new map with an edge; motion of a few pixels that varies across the field.
        var history = Enumerable.Range(0, n).Select(i => 0.2f + 0.6f * (i % width) / width).ToArray();
        var current = Enumerable.Range(0, n).Select(i => (i % width) < width / 2 ? 0.3f : 0.9f + 0.05f * (float)random.NextDouble()).ToArray();
        float[] Field(double scale) => Enumerable.Range(0, 2 * m)
            .Select(i => (float)(i % 2 == 0 ? scale * Math.Sin(i * 0.005) - 1.25 : scale * (random.NextDouble() - 0.5))).ToArray();
        var motion = Field(3.5);
        var mapMotion = Field(7);
        using var currentBuffer = Buffer(n * 4, "current");
        using var historyBuffer = Buffer(n * 4, "history");
        using var motionBuffer = Buffer(2 * m * 4, "motion");
        using var mapMotionBuffer = Buffer(2 * m * 4, "map motion");
        using var blended = Buffer(n * 4, "blended");
        current.CopyTo(currentBuffer.AsSpan<float>());
        history.CopyTo(historyBuffer.AsSpan<float>());
        motion.CopyTo(motionBuffer.AsSpan<float>());
        mapMotion.CopyTo(mapMotionBuffer.AsSpan<float>());
        using var reproject = new ReprojectPass(Device);
        using var recorder = new VkCommandRecorder(Device, "reproject");
        using (var bindings = reproject.Bind(currentBuffer, historyBuffer, motionBuffer, blended, mapMotionBuffer))
            Run(recorder, c => reproject.Record(c, bindings,
                new ReprojectPush((uint)width, (uint)height, (uint)motionWidth, (uint)motionHeight, weight, 2, mapMoved ? 1u : 0u)));

        var gpu = blended.AsSpan<float>()[..n].ToArray();
        var cpu = CpuReference.Reproject(current, history, motion, mapMoved ? mapMotion : null, width, height, motionWidth, motionHeight, weight, 2);
        AssertClose(gpu, cpu, 1e-5, "reprojected average");
        // Each case changes the average where it did not fit (the clamp, the new map, or the motion alone).
        Assert.That(gpu.Zip(history).Count(p => Math.Abs(p.First - p.Second) > 0.05f), Is.GreaterThan(n / 10), "the average changed");
    }

    [Test]
    public void ValidationReportsMisuse()
    {
        // A zero-sized buffer breaks a valid-usage rule: the layer must say so, which proves it is listening.
        int before = Device.ValidationErrorCount;
        unsafe
        {
            var info = new Silk.NET.Vulkan.BufferCreateInfo
            {
                SType = Silk.NET.Vulkan.StructureType.BufferCreateInfo,
                Size = 0,
                Usage = Silk.NET.Vulkan.BufferUsageFlags.StorageBufferBit,
            };
            Device.Vk.CreateBuffer(Device.Device, &info, null, out var buffer);
            if (buffer.Handle != 0) Device.Vk.DestroyBuffer(Device.Device, buffer, null);
        }
        Assert.That(Device.ValidationErrorCount, Is.GreaterThan(before));
        Device.ForgetValidationMessages();
    }

    private VkHostBuffer Buffer(int bytes, string name) => new(Device, (ulong)bytes, name);

    private static void Run(VkCommandRecorder recorder, Action<Silk.NET.Vulkan.CommandBuffer> record)
    {
        recorder.Begin();
        record(recorder.CommandBuffer);
        recorder.Submit();
        recorder.Wait();
    }

    private static void AssertClose(float[] actual, float[] expected, double tolerance, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            if (difference > worst)
            {
                worst = difference;
                at = i;
            }
        }
        Assert.That(worst, Is.Not.NaN.And.LessThanOrEqualTo(tolerance), $"{what}: worst difference {worst:E2} at {at} ({(at >= 0 ? actual[at] : 0)} vs {(at >= 0 ? expected[at] : 0)})");
    }

    private static uint[] RealFrame(int width, int height)
    {
        var bytes = PixelPassTests.RealPixels(width, height);
        var pixels = new uint[width * height];
        System.Buffer.BlockCopy(bytes, 0, pixels, 0, bytes.Length);
        return pixels;
    }
}
