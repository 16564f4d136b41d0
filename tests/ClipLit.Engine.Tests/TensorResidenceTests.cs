using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Inference.Cuda;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;

namespace ClipLit.Engine.Tests;

/// <summary>
/// The boundary between the frame engine and where the enhancer's tensors live: the renderer works
/// the same with them in device-local memory (the CUDA path's layout; it never reads them on the
/// host: scene-cut thumbnails and light-map bounds come from shaders), the choice falls back to
/// host-mapped tensors naming the broken link, and where CUDA exists the zero-copy frames are the
/// CPU path's.
/// </summary>
[TestFixture]
public sealed class TensorResidenceTests
{
    [TestCase(EnhanceQuality.Fast)]
    [TestCase(EnhanceQuality.Full)]
    public void DeviceLocalTensorsGiveTheFramesHostMappedOnesGive(EnhanceQuality quality)
    {
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null) { ExternalMemory = true });
        using var estimator = CpuEstimator();
        var (rgba, width, height) = RealFrame(317, 181);
        var layout = FrameLayout.For(width, height, quality, fastLongSide: 96);

        var (hostFrame, hostThumbnail) = Enhance(device, layout, rgba, HostTensorMemory.Instance, new HostMappedTensors(estimator));
        var (deviceFrame, deviceThumbnail) = Enhance(device, layout, rgba, DeviceTensorMemory.Instance, new HostMappedTensors(estimator));

        Assert.That(deviceFrame, Is.EqualTo(hostFrame), "the same frame, whatever memory the tensors are in");
        Assert.That(deviceThumbnail, Is.EqualTo(hostThumbnail));
        Assert.That(hostFrame, Is.Not.EqualTo(rgba), "the frame was enhanced");
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    [TestCase(EnhanceQuality.Fast)]
    [TestCase(EnhanceQuality.Full)]
    public void ThePreProcessThumbnailIsTheCpuDefinition(EnhanceQuality quality)
    {
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        var (rgba, width, height) = RealFrame(317, 181);
        var layout = FrameLayout.For(width, height, quality, fastLongSide: 96);
        using var renderer = new FrameRenderer(device, layout, 1);
        var slot = renderer.Slots[0];
        rgba.CopyTo(slot.InputBytes.Span);
        renderer.PreProcess(slot);
        var expected = TemporalSmoother.Thumbnail(slot.NetworkInput.Span, layout.NetworkWidth, layout.NetworkHeight);
        double worst = expected.Zip(slot.Thumbnail.ToArray(), (e, a) => Math.Abs(e - a)).Max();
        TestContext.Out.WriteLine($"{quality}: thumbnail max difference {worst:E2}");
        Assert.That(worst, Is.Not.NaN.And.LessThanOrEqualTo(1e-5));
        Assert.That(expected.Max() - expected.Min(), Is.GreaterThan(0.1), "a real frame's thumbnail has structure");
    }

    [Test]
    public void WithoutCudaTheChoiceFallsBackToHostMappedTensorsNamingTheBrokenLink()
    {
        string? problem = CudaContext.Problem();
        if (problem is null) Assert.Ignore("this machine has a CUDA driver: the fallback is not forced here");
        using var estimator = CpuEstimator();
        using var device = EnhancerTensorsChoice.SharingDevice(VkDeviceOptions.Default, share: true, out string? sharingProblem);
        Assert.That(sharingProblem, Is.Null, $"{device.Name} exports memory");
        var choice = EnhancerTensorsChoice.Open(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)), new HostMappedTensors(estimator), device, tryCuda: true);
        using var tensors = choice.Tensors;
        Assert.That(tensors.Residence, Is.EqualTo(EnhancerResidence.HostMapped));
        Assert.That(choice.FallbackReason, Is.EqualTo(problem));
        Assert.That(tensors.Description, Does.Contain("host-mapped"));
    }

    [Test]
    public void ADeviceThatDoesNotShareMemoryFallsBackSayingSo()
    {
        // A forced break in the chain that every machine can produce: the Vulkan device was created without memory export.
        using var estimator = CpuEstimator();
        using var device = new VkComputeDevice(VkDeviceOptions.Default);
        var choice = EnhancerTensorsChoice.Open(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)), new HostMappedTensors(estimator), device, tryCuda: true);
        using var tensors = choice.Tensors;
        Assert.That(tensors.Residence, Is.EqualTo(EnhancerResidence.HostMapped));
        Assert.That(choice.FallbackReason, Is.EqualTo($"{device.Name} was not created to share memory with CUDA"));
    }

    [Test]
    public void TheLiveWorkersZeroCopyLightMapIsTheCpuPaths()
    {
        if (CudaContext.Problem() is { } problem) Assert.Ignore($"no CUDA on this machine: {problem}");
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Off, null) { ExternalMemory = true });
        using var estimator = CpuEstimator();
        using var cuda = new CudaImportedTensors(ModelLoader.Load(SharedData.EnhancementCheckpoint), device);
        var layout = FrameLayout.For(640, 360, EnhanceQuality.Full);
        using var renderer = new FrameRenderer(device, layout, 1, DeviceTensorMemory.Instance);
        var slot = renderer.Slots[0];
        var input = new float[3 * layout.NetworkPixels];
        var random = new Random(5);
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        VkStagingCopy.Upload<float>(device, slot.Network, input);
        using var network = new LatestFrameEnhancer(device, cuda, layout);
        Assert.That(network.TryOffer(slot, 0, 1f), Is.True);
        network.WaitUntilIdle(CancellationToken.None);
        Assert.That(network.TryTakeNewest(slot, out _), Is.True);

        var expected = new float[layout.NetworkPixels];
        estimator.Estimate(input, layout.NetworkHeight, layout.NetworkWidth, expected);
        double psnr = ImageMetrics.Psnr(VkStagingCopy.Download<float>(device, slot.LightMap, expected.Length), expected, peak: expected.Max());
        TestContext.Out.WriteLine($"{cuda.Description}: live light map PSNR {psnr:F1} dB against the CPU path");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(60));
    }

    [Test]
    public void TheZeroCopyFramesAreTheCpuPaths()
    {
        if (CudaContext.Problem() is { } problem) Assert.Ignore($"no CUDA on this machine: {problem}");
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Off, null) { ExternalMemory = true });
        using var estimator = CpuEstimator();
        var (rgba, width, height) = RealFrame(640, 360);
        var layout = FrameLayout.For(width, height, EnhanceQuality.Full);
        var (expected, _) = Enhance(device, layout, rgba, HostTensorMemory.Instance, new HostMappedTensors(estimator));
        using var cuda = new CudaImportedTensors(ModelLoader.Load(SharedData.EnhancementCheckpoint), device);
        var (actual, _) = Enhance(device, layout, rgba, cuda, cuda);

        var toFloats = (byte[] bytes) => bytes.Select(b => b / 255f).ToArray();
        double psnr = ImageMetrics.Psnr(toFloats(actual), toFloats(expected));
        TestContext.Out.WriteLine($"{cuda.Description}: frame PSNR {psnr:F1} dB against the CPU path");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(60));
    }

    /// <summary>One frame through the renderer with the network's tensors where <paramref name="memory"/> puts them.</summary>
    private static (byte[] Frame, float[] Thumbnail) Enhance(VkComputeDevice device, FrameLayout layout, byte[] rgba, ITensorMemory memory, IEnhancerTensors tensors)
    {
        using var renderer = new FrameRenderer(device, layout, 1, memory);
        var slot = renderer.Slots[0];
        rgba.CopyTo(slot.InputBytes.Span);
        renderer.PreProcess(slot);
        if (memory is not HostTensorMemory)
            Assert.Throws<InvalidOperationException>(() => _ = slot.NetworkInput, "device memory is not the host's to read");
        if (!ReferenceEquals(memory, tensors))
        {
            // Not the network's own memory: move the tensors the way the live view does, by GPU copies.
            using var input = tensors.Allocate(device, slot.Network.Size, "network input");
            using var lightMap = tensors.Allocate(device, slot.LightMap.Size, "light map");
            VkStagingCopy.Copy(device, slot.Network, input);
            tensors.Estimate(input, lightMap, layout.NetworkWidth, layout.NetworkHeight, CancellationToken.None);
            VkStagingCopy.Copy(device, lightMap, slot.LightMap);
        }
        else
        {
            tensors.Estimate(slot.Network, slot.LightMap, layout.NetworkWidth, layout.NetworkHeight, CancellationToken.None);
        }
        slot.TemporalWeight = 1f;
        renderer.Compose(slot);
        return (slot.OutputBytes.ToArray(), slot.Thumbnail.ToArray());
    }

    private static LightMapEstimator CpuEstimator() =>
        new(ModelLoader.Load(SharedData.EnhancementCheckpoint), EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });

    /// <summary>The top-left <paramref name="width"/> x <paramref name="height"/> of a real backlit photo, RGBA8.</summary>
    private static (byte[] Rgba, int Width, int Height) RealFrame(int width, int height)
    {
        string photo = Directory.GetFiles(SharedData.BacklitPhotos).Order(StringComparer.Ordinal).First();
        using var image = StillImageReader.Read(photo);
        var whole = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(whole);
        var rgba = new byte[4 * width * height];
        for (int y = 0; y < height; y++) Array.Copy(whole, 4 * y * image.Width, rgba, 4 * y * width, 4 * width);
        return (rgba, width, height);
    }
}
