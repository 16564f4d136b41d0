using ClipLit.Engine.Gpu;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;

namespace ClipLit.Engine.Tests;

/// <summary>
/// The live view's network worker: busy means refused, only the newest result is kept, and the
/// light map it hands back is the network's, whether the frame slot's tensors are host-mapped or
/// device-local (the CUDA path's layout: frames reach the worker by GPU copies).
/// </summary>
[TestFixture]
public sealed class LatestFrameEnhancerTests
{
    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void RefusesFramesWhileBusyAndPublishesTheNetworksLightMap(bool deviceLocalSlot, bool deviceLocalWorker)
    {
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null) { ExternalMemory = true });
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        // Both device-local: the CUDA path's layout, where every copy moves shared memory on both sides.
        using IEnhancerTensors tensors = deviceLocalWorker ? new StagedDeviceTensors(device, estimator) : new HostMappedTensors(estimator);
        var layout = FrameLayout.For(320, 180, EnhanceQuality.Full);
        using var renderer = new FrameRenderer(device, layout, 1, deviceLocalSlot ? DeviceTensorMemory.Instance : HostTensorMemory.Instance);
        var slot = renderer.Slots[0];
        var input = new float[3 * layout.NetworkPixels];
        var random = new Random(7);
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        VkStagingCopy.Upload<float>(device, slot.Network, input);
        using var network = new LatestFrameEnhancer(device, tensors, layout);
        // Buffers a copy takes from the external queue family and hands back: the slot's side, the worker's side.
        long copyTransfers = (deviceLocalSlot ? 1 : 0) + (deviceLocalWorker ? 1 : 0);
        long networkTransfers = deviceLocalWorker ? 2 : 0; // the staged network's copies out and in
        var before = (device.ExternalAcquires, device.ExternalReleases);

        Assert.That(network.TryOffer(slot, frameIndex: 0, temporalWeight: 1f), Is.True);
        Assert.That(network.TryOffer(slot, frameIndex: 1, temporalWeight: 0.3f), Is.False, "busy: the frame is refused, not queued");
        network.WaitUntilIdle(CancellationToken.None);
        long offered = copyTransfers + networkTransfers;
        Assert.That((device.ExternalAcquires, device.ExternalReleases), Is.EqualTo((before.ExternalAcquires + offered, before.ExternalReleases + offered)),
            "the copy into the worker takes the shared buffers and hands them back");
        Assert.That(network.TryTakeNewest(slot, out var finished), Is.True);
        Assert.That((device.ExternalAcquires, device.ExternalReleases), Is.EqualTo((before.ExternalAcquires + offered + copyTransfers, before.ExternalReleases + offered + copyTransfers)),
            "and so does the copy out");
        Assert.That((finished.FrameIndex, finished.TemporalWeight), Is.EqualTo((0, 1f)));
        Assert.That(network.TryTakeNewest(slot, out _), Is.False, "each light map is taken once");

        var expected = new float[layout.NetworkPixels];
        estimator.Estimate(input, layout.NetworkHeight, layout.NetworkWidth, expected);
        Assert.That(VkStagingCopy.Download<float>(device, slot.LightMap, expected.Length), Is.EqualTo(expected), "the published light map is the network's for that frame");
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    [Test]
    public void ARestartIsNotLostWhenANewerLightMapReplacesIt()
    {
        using var device = new VkComputeDevice(VkDeviceOptions.Default);
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        using var tensors = new HostMappedTensors(estimator);
        var layout = FrameLayout.For(64, 36, EnhanceQuality.Full);
        using var renderer = new FrameRenderer(device, layout, 1);
        var slot = renderer.Slots[0];
        using var network = new LatestFrameEnhancer(device, tensors, layout);
        network.TryOffer(slot, 0, temporalWeight: 1f); // a cut: the average must restart
        network.WaitUntilIdle(CancellationToken.None);
        network.TryOffer(slot, 1, temporalWeight: 0.3f); // finished before anyone took the first
        network.WaitUntilIdle(CancellationToken.None);
        Assert.That(network.TryTakeNewest(slot, out var finished), Is.True);
        Assert.That((finished.FrameIndex, finished.TemporalWeight), Is.EqualTo((1, 1f)));
    }
}
