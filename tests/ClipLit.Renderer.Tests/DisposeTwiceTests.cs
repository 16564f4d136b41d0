using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Tests;

/// <summary>
/// Every owner of native Vulkan handles in the renderer disposed twice, under the validation layer:
/// the second Dispose does nothing (no exception, no validation error), and members that are cheap
/// to guard throw ObjectDisposedException afterwards. The presenter and its window are in
/// <see cref="PresenterTests"/> (they need a display); the CUDA owners need a driver.
/// </summary>
[TestFixture]
public sealed class DisposeTwiceTests : DeviceFixture
{
    private static IEnumerable<TestCaseData> Owners()
    {
        TestCaseData Case(string name, Func<VkComputeDevice, IDisposable> create) => new TestCaseData(create).SetArgDisplayNames(name);
        yield return Case("VkHostBuffer", device => new VkHostBuffer(device, 97, "host buffer"));
        yield return Case("VkCommandRecorder", device => new VkCommandRecorder(device, "recorder"));
        yield return Case("VkCommandRecorder with work pending", device =>
        {
            var recorder = new VkCommandRecorder(device, "recorder with work pending");
            recorder.Begin();
            recorder.Submit();
            return recorder; // Dispose waits for the submission
        });
        // Each pass wraps one VkComputePass (its shader is internal to the renderer).
        yield return Case("Unit8Table", device => new Unit8Table(device));
        yield return Case("UnpackPass", device => new UnpackPass(device));
        yield return Case("DownscalePass", device => new DownscalePass(device));
        yield return Case("ThumbnailPass", device => new ThumbnailPass(device));
        yield return Case("TemporalPass", device => new TemporalPass(device));
        yield return Case("ReprojectPass", device => new ReprojectPass(device));
        yield return Case("LightRangePass", device => new LightRangePass(device));
        yield return Case("GuidedCoefficientsPass", device => new GuidedCoefficientsPass(device));
        yield return Case("BoxMeanPass", device => new BoxMeanPass(device));
        yield return Case("ComposePass", device => new ComposePass(device));
        yield return Case("FrameRenderer, full quality", device => new FrameRenderer(device, FrameLayout.For(33, 17, EnhanceQuality.Full), 2));
        yield return Case("FrameRenderer, fast edge-aware", device => new FrameRenderer(device, FrameLayout.For(333, 187, EnhanceQuality.Fast), 2));
        yield return Case("FrameRenderer, fast bilinear", device => new FrameRenderer(device, FrameLayout.For(333, 187, EnhanceQuality.Fast, upsample: UpsampleMode.Bilinear), 2));
    }

    [TestCaseSource(nameof(Owners))]
    public void ASecondDisposeDoesNothing(Func<VkComputeDevice, IDisposable> create)
    {
        var owner = create(Device);
        owner.Dispose();
        Assert.DoesNotThrow(owner.Dispose);
    }

    [Test]
    public void ABindingSetDisposesTwiceBeforeAndAfterItsPass()
    {
        using var first = new VkHostBuffer(Device, 64, "first");
        using var second = new VkHostBuffer(Device, 64, "second");
        var pass = new TemporalPass(Device);
        var early = pass.Bind(first, second);
        var late = pass.Bind(first, second);
        early.Dispose();
        Assert.DoesNotThrow(early.Dispose);
        pass.Dispose();
        // A set outliving its pass was freed with the pass's pool: disposing it is harmless, twice.
        Assert.DoesNotThrow(late.Dispose);
        Assert.DoesNotThrow(late.Dispose);
        Assert.DoesNotThrow(pass.Dispose);
    }

    [Test]
    public void UsingADisposedOwnerThrowsObjectDisposedException()
    {
        var buffer = new VkHostBuffer(Device, 64, "disposed buffer");
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.AsSpan<float>());

        var recorder = new VkCommandRecorder(Device, "disposed recorder");
        recorder.Dispose();
        Assert.Throws<ObjectDisposedException>(recorder.Begin);
        Assert.Throws<ObjectDisposedException>(recorder.Barrier);
        Assert.Throws<ObjectDisposedException>(() => recorder.AcquireFromExternal(buffer));
        Assert.Throws<ObjectDisposedException>(() => recorder.ReleaseToExternal(buffer));
        Assert.Throws<ObjectDisposedException>(() => recorder.Submit());
        Assert.DoesNotThrow(recorder.Wait, "nothing is pending after Dispose");

        var pass = new TemporalPass(Device);
        pass.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pass.Bind(buffer, buffer));

        var renderer = new FrameRenderer(Device, FrameLayout.For(33, 17, EnhanceQuality.Full), 1);
        var slot = renderer.Slots[0];
        renderer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => renderer.PreProcess(slot));
        Assert.Throws<ObjectDisposedException>(() => renderer.Compose(slot));
        Assert.Throws<ObjectDisposedException>(() => slot.InputBytes.Span.Clear());
    }

    [TestCase(EnhanceQuality.Full)]
    [TestCase(EnhanceQuality.Fast)]
    public void AFrameSlotDisposesTwiceAndOnceMoreWithItsRenderer(EnhanceQuality quality)
    {
        var renderer = new FrameRenderer(Device, FrameLayout.For(333, 187, quality), 2);
        // Work submitted first, so the slots' recorders have something to wait for.
        foreach (var slot in renderer.Slots)
        {
            renderer.PreProcess(slot);
            renderer.Compose(slot);
        }
        renderer.Slots[0].Dispose();
        Assert.DoesNotThrow(renderer.Slots[0].Dispose);
        renderer.Dispose(); // disposes every slot, the first a third time
        Assert.DoesNotThrow(renderer.Dispose);
        Assert.DoesNotThrow(renderer.Slots[1].Dispose);
    }

    [Test]
    public void TheSharingOwnersDisposeTwice()
    {
        VkComputeDevice sharing;
        try
        {
            sharing = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, PreferredDevice: null) { ExternalMemory = true });
        }
        catch (VulkanException e)
        {
            Assert.Ignore($"no Vulkan device that shares memory: {e.Message}");
            return;
        }
        try
        {
            var exported = VkSharedBuffer.Allocate(sharing, 4099, "exported");
            var imported = VkSharedBuffer.Import(sharing, exported.ExportDescriptor(), exported.Size, "imported"); // takes the descriptor
            var tensor = DeviceTensorMemory.Instance.Allocate(sharing, 4099, "device tensor");
            var timeline = new VkTimeline(sharing, "timeline");
            var renderer = new FrameRenderer(sharing, FrameLayout.For(333, 187, EnhanceQuality.Fast), 2, DeviceTensorMemory.Instance);
            foreach (var slot in renderer.Slots) renderer.PreProcess(slot);
            foreach (var owner in new IDisposable[] { renderer, timeline, tensor, imported, exported })
            {
                owner.Dispose();
                Assert.DoesNotThrow(owner.Dispose, owner.GetType().Name);
            }
            Assert.Throws<ObjectDisposedException>(() => exported.ExportDescriptor());
            Assert.Throws<ObjectDisposedException>(() => _ = timeline.Value);
            Assert.Throws<ObjectDisposedException>(() => timeline.Signal(1));
            Assert.Throws<ObjectDisposedException>(() => timeline.Wait(1, TimeSpan.Zero));
            Validation.AssertNoErrors(sharing);
        }
        finally
        {
            sharing.Dispose();
        }
        Assert.DoesNotThrow(sharing.Dispose);
        Assert.Throws<ObjectDisposedException>(() => _ = sharing.Device);
    }

    [Test]
    public void ADeviceDisposesTwice()
    {
        var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, PreferredDevice: null));
        using (new VkHostBuffer(device, 64, "freed before the device")) { }
        Validation.AssertNoErrors(device);
        device.Dispose();
        Assert.DoesNotThrow(device.Dispose);
        Assert.Throws<ObjectDisposedException>(() => _ = device.Device);
    }
}
