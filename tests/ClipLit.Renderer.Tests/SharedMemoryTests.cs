using System.Runtime.InteropServices;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Tests;

/// <summary>
/// The Vulkan half of the CUDA interop, on whatever Vulkan device is here (lavapipe without a GPU):
/// memory exported as a file descriptor from one device and imported into a second device on its
/// own Vulkan instance holds the same bytes in both, in both directions; timeline semaphores order
/// work; semaphores export where the driver can. Both devices run under the validation layer.
/// </summary>
[TestFixture]
public sealed partial class SharedMemoryTests
{
    private const int Floats = 3 * 97 * 61; // an odd-sized planar image, as the network's input is
    private VkComputeDevice _exporter = null!;
    private VkComputeDevice _importer = null!;

    [OneTimeSetUp]
    public void CreateDevices()
    {
        try
        {
            var options = new VkDeviceOptions(VkValidation.Required, PreferredDevice: null) { ExternalMemory = true };
            _exporter = new VkComputeDevice(options);
            _importer = new VkComputeDevice(options);
        }
        catch (VulkanException e)
        {
            Assert.Ignore($"no Vulkan device that shares memory, with validation layers: {e.Message}");
        }
        TestContext.Out.WriteLine($"{_exporter.Name}: uuid {_exporter.Uuid}, shares semaphores: {_exporter.SharesSemaphores}");
    }

    [TearDown]
    public void NoValidationErrors()
    {
        Validation.AssertNoErrors(_exporter);
        Validation.AssertNoErrors(_importer);
    }

    [OneTimeTearDown]
    public void DisposeDevices()
    {
        _importer?.Dispose();
        _exporter?.Dispose();
    }

    [Test]
    public void BothDevicesSeeOneAnothersWritesThroughExportedMemory()
    {
        Assert.That(_importer.Uuid, Is.EqualTo(_exporter.Uuid), "one physical device behind both instances");
        using var exported = VkSharedBuffer.Allocate(_exporter, Floats * sizeof(float), "exported");
        int descriptor = exported.ExportDescriptor();
        Assert.That(descriptor, Is.GreaterThanOrEqualTo(0));
        using var imported = VkSharedBuffer.Import(_importer, descriptor, exported.Size, "imported");

        var written = Enumerable.Range(0, Floats).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        Write(_exporter, exported, written);
        Assert.That(Read(_importer, imported), Is.EqualTo(written), "the importer reads what the exporter wrote");

        var answer = written.Select(v => v * -2 + 1).ToArray();
        Write(_importer, imported, answer);
        Assert.That(Read(_exporter, exported), Is.EqualTo(answer), "and the other way round");
    }

    [Test]
    public void AShaderOnTheImportingDeviceReadsWhatTheExporterWrote()
    {
        // The compose side of the zero-copy path: a light map written elsewhere, read by a compute pass.
        using var exported = VkSharedBuffer.Allocate(_exporter, Floats * sizeof(float), "light map (exporter)");
        using var imported = VkSharedBuffer.Import(_importer, exported.ExportDescriptor(), exported.Size, "light map (importer)");
        var lightMap = Enumerable.Range(0, Floats).Select(i => 0.25f + (i % 101) / 200f).ToArray();
        Write(_exporter, exported, lightMap);

        using var history = new VkHostBuffer(_importer, exported.Size, "history");
        using var temporal = new TemporalPass(_importer);
        var bindings = temporal.Bind(imported, history);
        using var recorder = new VkCommandRecorder(_importer, "temporal");
        recorder.Begin();
        temporal.Record(recorder.CommandBuffer, bindings, new TemporalPush(Floats, 1f));
        recorder.Submit();
        recorder.Wait();
        Assert.That(history.AsSpan<float>()[..Floats].ToArray(), Is.EqualTo(lightMap));
    }

    [Test]
    public void OnlySharedBuffersChangeHandsWithTheExternalQueueFamily()
    {
        using var host = new VkHostBuffer(_exporter, 64, "host");
        using var shared = VkSharedBuffer.Allocate(_exporter, 64, "shared");
        Assert.That((host.SharedExternally, shared.SharedExternally), Is.EqualTo((false, true)));
        using var recorder = new VkCommandRecorder(_exporter, "ownership transfers");
        (long, long) Transfers() => (_exporter.ExternalAcquires, _exporter.ExternalReleases);
        var before = Transfers();

        recorder.Begin();
        recorder.AcquireFromExternal(host);
        recorder.ReleaseToExternal(host);
        Assert.That(Transfers(), Is.EqualTo(before), "memory nobody else uses records no transfer");
        recorder.AcquireFromExternal(host, shared);
        recorder.ReleaseToExternal(shared, host);
        Assert.That(Transfers(), Is.EqualTo((before.Item1 + 1, before.Item2 + 1)), "one barrier each way for the shared buffer");
        recorder.Submit();
        recorder.Wait();

        // A copy is a whole use: the shared side is taken before and handed back after, in the same submission.
        var values = Enumerable.Range(0, 16).Select(i => i * 0.5f).ToArray();
        values.CopyTo(host.AsSpan<float>());
        recorder.CopyNow(host, shared, 64);
        Assert.That(Transfers(), Is.EqualTo((before.Item1 + 2, before.Item2 + 2)));
        Assert.That(VkStagingCopy.Download<float>(_exporter, shared, values.Length), Is.EqualTo(values));
        Assert.That(Transfers(), Is.EqualTo((before.Item1 + 3, before.Item2 + 3)), "the staging copy out too");
    }

    [Test]
    public void EachExportIsAFreshDescriptorTheCallerOwns()
    {
        using var exported = VkSharedBuffer.Allocate(_exporter, 4096, "exported twice");
        int first = exported.ExportDescriptor(), second = exported.ExportDescriptor();
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(Close(first), Is.Zero);
        Assert.That(Close(second), Is.Zero);
    }

    [Test]
    public void ATimelineOrdersASubmissionAfterTheHost()
    {
        using var timeline = new VkTimeline(_exporter, "frame timeline");
        using var source = new VkHostBuffer(_exporter, 64, "source");
        using var target = VkSharedBuffer.Allocate(_exporter, 64, "target");
        using var recorder = new VkCommandRecorder(_exporter, "waits for the host");
        recorder.Begin();
        recorder.Copy(source, target, 64);
        recorder.Submit(waitFor: new TimelinePoint(timeline.Handle, 1), signal: new TimelinePoint(timeline.Handle, 2));
        Assert.That(timeline.Wait(2, TimeSpan.FromMilliseconds(200)), Is.False, "the copy waits for value 1");
        timeline.Signal(1);
        Assert.That(timeline.Wait(2, TimeSpan.FromSeconds(10)), Is.True, "then runs and signals 2");
        Assert.That(timeline.Value, Is.EqualTo(2));
        recorder.Wait();
    }

    [Test]
    public void TimelinesExportWhereTheDriverCan()
    {
        if (!_exporter.SharesSemaphores)
        {
            Assert.That(() => new VkTimeline(_exporter, "exportable", exportable: true), Throws.TypeOf<VulkanException>().With.Message.Contains("VK_KHR_external_semaphore_fd"));
            Assert.Ignore($"{_exporter.Name} has no VK_KHR_external_semaphore_fd (Mesa lavapipe 22.3 does not): semaphore export is checked on GPUs only");
        }
        using var timeline = new VkTimeline(_exporter, "exportable", exportable: true);
        int descriptor = timeline.ExportDescriptor();
        Assert.That(descriptor, Is.GreaterThanOrEqualTo(0));
        Assert.That(Close(descriptor), Is.Zero);
    }

    [Test]
    public void ImportingAClosedDescriptorFailsWithTheVulkanResult()
    {
        using var exported = VkSharedBuffer.Allocate(_exporter, 4096, "exported");
        int descriptor = exported.ExportDescriptor();
        Close(descriptor);
        _importer.ForgetValidationMessages();
        Assert.That(() => VkSharedBuffer.Import(_importer, descriptor, exported.Size, "bad"),
            Throws.TypeOf<VulkanException>().With.Message.Contains("AllocateMemory"));
        _importer.ForgetValidationMessages(); // the layer may also flag the invalid descriptor; that is the point here
    }

    private static void Write(VkComputeDevice device, VkSharedBuffer target, float[] values) => VkStagingCopy.Upload<float>(device, target, values);

    private static float[] Read(VkComputeDevice device, VkSharedBuffer source) => VkStagingCopy.Download<float>(device, source, Floats);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
