using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Inference.Cuda;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Passes;
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
        var frames = RealFrames(317, 181, count: 3);
        var layout = FrameLayout.For(317, 181, quality, fastLongSide: 96);

        var host = Enhance(device, layout, frames, HostTensorMemory.Instance, new HostMappedTensors(estimator));
        Assert.That((device.ExternalAcquires, device.ExternalReleases), Is.EqualTo((0L, 0L)), "host-mapped tensors are nobody else's: no ownership transfers");
        var shared = Enhance(device, layout, frames, DeviceTensorMemory.Instance, new HostMappedTensors(estimator));

        for (int i = 0; i < frames.Count; i++)
        {
            Assert.That(shared[i].Frame, Is.EqualTo(host[i].Frame), $"frame {i}: the same frame, whatever memory the tensors are in");
            Assert.That(shared[i].Thumbnail, Is.EqualTo(host[i].Thumbnail), $"frame {i}");
            Assert.That(host[i].Frame, Is.Not.EqualTo(frames[i]), $"frame {i} was enhanced");
        }
        Assert.That(device.ExternalAcquires, Is.EqualTo(device.ExternalReleases), "every buffer taken from the external queue family was handed back");
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
        // Several frames through one slot: each pre-process takes back the network input CUDA last read.
        var frames = RealFrames(640, 360, count: 3);
        var layout = FrameLayout.For(640, 360, EnhanceQuality.Full);
        var expected = Enhance(device, layout, frames, HostTensorMemory.Instance, new HostMappedTensors(estimator));
        using var cuda = new CudaImportedTensors(ModelLoader.Load(SharedData.EnhancementCheckpoint), device);
        var actual = Enhance(device, layout, frames, cuda, cuda);

        var toFloats = (byte[] bytes) => bytes.Select(b => b / 255f).ToArray();
        for (int i = 0; i < frames.Count; i++)
        {
            double psnr = ImageMetrics.Psnr(toFloats(actual[i].Frame), toFloats(expected[i].Frame));
            TestContext.Out.WriteLine($"{cuda.Description}: frame {i} PSNR {psnr:F1} dB against the CPU path");
            Assert.That(psnr, Is.GreaterThanOrEqualTo(60), $"frame {i}");
        }
    }

    /// <summary>
    /// The frames, one after another, through one slot of a renderer with the network's tensors where
    /// <paramref name="memory"/> puts them (so each frame's pre-process takes back what the last
    /// compose handed over), with the temporal weights a video gives (a first frame, a blend, a frame
    /// without a new light map). Where the tensors are shared with another API, checks that the
    /// pre-process and compose take them from the external queue family and hand them back.
    /// </summary>
    private static List<(byte[] Frame, float[] Thumbnail)> Enhance(VkComputeDevice device, FrameLayout layout, IReadOnlyList<byte[]> frames,
        ITensorMemory memory, IEnhancerTensors tensors)
    {
        float[] weights = [1f, 0.5f, 0f];
        using var renderer = new FrameRenderer(device, layout, 1, memory);
        var slot = renderer.Slots[0];
        bool shared = slot.Network.SharedExternally;
        Assert.That(slot.LightMap.SharedExternally, Is.EqualTo(shared));
        // Not the network's own memory: the tensors move the way the live view moves them, by GPU copies.
        using var input = ReferenceEquals(memory, tensors) ? null : tensors.Allocate(device, slot.Network.Size, "network input");
        using var lightMap = ReferenceEquals(memory, tensors) ? null : tensors.Allocate(device, slot.LightMap.Size, "light map");
        var results = new List<(byte[] Frame, float[] Thumbnail)>();
        for (int i = 0; i < frames.Count; i++)
        {
            frames[i].CopyTo(slot.InputBytes.Span);
            Assert.That(TransfersDuring(device, () => renderer.PreProcess(slot)), Is.EqualTo(shared ? (1L, 1L) : (0L, 0L)),
                $"frame {i}: the pre-process takes the network input and hands it back");
            if (memory is not HostTensorMemory)
                Assert.Throws<InvalidOperationException>(() => _ = slot.NetworkInput, "device memory is not the host's to read");
            if (input is not null && lightMap is not null)
            {
                VkStagingCopy.Copy(device, slot.Network, input);
                tensors.Estimate(input, lightMap, layout.NetworkWidth, layout.NetworkHeight, CancellationToken.None);
                VkStagingCopy.Copy(device, lightMap, slot.LightMap);
            }
            else
            {
                tensors.Estimate(slot.Network, slot.LightMap, layout.NetworkWidth, layout.NetworkHeight, CancellationToken.None);
            }
            slot.TemporalWeight = weights[i % weights.Length];
            // The guided filter reads the network input (its guide) when a new light map makes it recompute its coefficients.
            bool guides = layout.IsDownscaled && layout.Upsample == UpsampleMode.EdgeAware && slot.TemporalWeight > 0f;
            long expected = shared ? guides ? 2 : 1 : 0;
            Assert.That(TransfersDuring(device, () => renderer.Compose(slot)), Is.EqualTo((expected, expected)),
                $"frame {i}: compose takes the light map{(guides ? " and the network input" : "")} and hands them back");
            results.Add((slot.OutputBytes.ToArray(), slot.Thumbnail.ToArray()));
        }
        return results;
    }

    /// <summary>Ownership transfers (acquires, releases) recorded on <paramref name="device"/> while <paramref name="action"/> ran.</summary>
    private static (long Acquires, long Releases) TransfersDuring(VkComputeDevice device, Action action)
    {
        long acquires = device.ExternalAcquires, releases = device.ExternalReleases;
        action();
        return (device.ExternalAcquires - acquires, device.ExternalReleases - releases);
    }

    private static LightMapEstimator CpuEstimator() =>
        new(ModelLoader.Load(SharedData.EnhancementCheckpoint), EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });

    /// <summary>The top-left <paramref name="width"/> x <paramref name="height"/> of the first <paramref name="count"/> real backlit photos, RGBA8.</summary>
    private static List<byte[]> RealFrames(int width, int height, int count) =>
        Directory.GetFiles(SharedData.BacklitPhotos).Order(StringComparer.Ordinal).Take(count).Select(photo => RealFrame(photo, width, height)).ToList();

    /// <summary>The top-left <paramref name="width"/> x <paramref name="height"/> of the first real backlit photo, RGBA8.</summary>
    private static (byte[] Rgba, int Width, int Height) RealFrame(int width, int height) =>
        (RealFrame(Directory.GetFiles(SharedData.BacklitPhotos).Order(StringComparer.Ordinal).First(), width, height), width, height);

    private static byte[] RealFrame(string photo, int width, int height)
    {
        using var image = StillImageReader.Read(photo);
        var whole = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(whole);
        var rgba = new byte[4 * width * height];
        for (int y = 0; y < height; y++) Array.Copy(whole, 4 * y * image.Width, rgba, 4 * y * width, 4 * width);
        return rgba;
    }
}
