using ClipLit.Engine.Live;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;

namespace ClipLit.Engine.Tests;

/// <summary>Every engine object that owns native resources can be disposed twice, after real use, under validation.</summary>
[TestFixture]
public sealed class DisposeTwiceTests
{
    private static readonly LightMapModel Model = new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint));

    [Test]
    public void ASessionAfterPhotosAndFrameTensors()
    {
        var session = CpuSession();
        var device = session.Device;
        var rgba = new byte[4 * 64 * 48];
        session.Stills.Enhance(rgba, 64, 48, CancellationToken.None);
        session.TensorsFor(32, 24);
        var sibling = session.OpenSibling(Model);
        sibling.TensorsFor(32, 24);
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
        DisposeTwice(sibling);
        DisposeTwice(session);
        Assert.Throws<ObjectDisposedException>(() => session.TensorsFor(32, 24));
    }

    [Test]
    public void TheFramePathAPhotoRendererALaneAndItsWorker()
    {
        using var session = CpuSession();
        var layout = FrameLayout.For(64, 48, EnhanceQuality.Fast, 32);
        var tensors = session.TensorsFor(layout.NetworkWidth, layout.NetworkHeight);

        var path = new FramePath(session.Device, tensors, layout, 2, TemporalOptions.Motion);
        path.Enhance(path.Slots[0], CancellationToken.None);
        DisposeTwice(path);

        var photos = new PhotoRenderer(session.Device, session.TensorsFor);
        photos.Enhance(new byte[4 * 64 * 48], 64, 48, CancellationToken.None);
        DisposeTwice(photos);

        var worker = new LatestFrameEnhancer(session.Device, tensors, layout);
        DisposeTwice(worker);

        var lane = new EnhancerLane(layout, new LoadedModel(session, TimeSpan.Zero), TemporalOptions.Plain);
        Assert.That(lane.Step(0, lockstep: true, waitForFirst: true, CancellationToken.None), Is.True, "a lane in lockstep composes its first frame");
        DisposeTwice(lane);
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));
    }

    [Test]
    public void TheModelSwapperAndALoadedModel()
    {
        using var session = CpuSession();
        var swapper = new ModelSwapper(new LoadedModel(session, TimeSpan.Zero), watchFolder: null, _ => (32, 24));
        Assert.That(swapper.Reload(SharedData.EnhancementCheckpoint), Is.True);
        DisposeTwice(swapper); // waits for the load and frees the model it loaded

        var loaded = new LoadedModel(session.OpenSibling(Model), TimeSpan.Zero);
        DisposeTwice(loaded);
    }

    private static EnhancerSession CpuSession() =>
        new(Model, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = 1 }, new VkDeviceOptions(VkValidation.Required, null));

    private static void DisposeTwice(IDisposable owner)
    {
        owner.Dispose();
        Assert.DoesNotThrow(owner.Dispose, $"{owner.GetType().Name} disposed a second time");
    }
}
