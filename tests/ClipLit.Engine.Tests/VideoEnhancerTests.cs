using System.Diagnostics;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

[TestFixture]
public sealed class VideoEnhancerTests : TemporaryFolderFixture
{
    [TestCase(EnhanceQuality.Fast)]
    [TestCase(EnhanceQuality.Full)]
    public async Task EnhancesAClipKeepingFramesTimestampsAndAudio(EnhanceQuality quality)
    {
        string clip = Path.Combine(Folder, "clip.mp4");
        // Full quality costs about 2 s a frame on a 2-core CPU: a handful of frames proves the path.
        TestClips.Make(clip, quality == EnhanceQuality.Full ? new ClipCut(Frames: 6, Width: null, Height: null) : new ClipCut(Seconds: 1, Width: null, Height: null));
        var info = VideoProbe.Probe(clip);
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        var enhancer = new VideoEnhancer(device, new HostMappedTensors(estimator), VideoEnhanceOptions.Default with { Quality = quality });
        string output = Path.Combine(Folder, "out.mp4");
        var result = await enhancer.EnhanceAsync(info, output, output, null, CancellationToken.None);
        TestContext.Out.WriteLine($"{quality}: {result.FramesWritten} frames in {result.Elapsed.TotalSeconds:F1} s; stages: {string.Join(", ", result.StageSeconds.Select(kv => $"{kv.Key} {kv.Value:F1} s"))}");

        var enhanced = VideoProbe.Probe(output);
        Assert.That(result.DecodeProblem, Is.Null);
        Assert.That(enhanced.FrameTimestamps, Is.EqualTo(info.FrameTimestamps));
        Assert.That(enhanced.AudioStreams, Is.EqualTo(1));
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    [Test]
    public async Task MemoryDoesNotGrowWithVideoLength()
    {
        // Small frames keep the 60 s run short; what matters is that nothing accumulates per frame.
        string Looped(string name, int seconds)
        {
            string path = Path.Combine(Folder, name);
            return TestClips.Make(path, new ClipCut(Seconds: seconds, Width: 128, Height: 72, Loops: 8));
        }
        string warmUp = Looped("warm.mp4", 1), tenSeconds = Looped("ten.mp4", 10), sixtySeconds = Looped("sixty.mp4", 60);
        using var device = new VkComputeDevice(VkDeviceOptions.Default);
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        var enhancer = new VideoEnhancer(device, new HostMappedTensors(estimator), VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast });

        async Task<(double PeakMiB, int Frames)> Measure(string clip)
        {
            var info = VideoProbe.Probe(clip);
            string output = Path.Combine(Folder, "out-" + Path.GetFileName(clip));
            GC.Collect();
            File.WriteAllText("/proc/self/clear_refs", "5");
            var result = await enhancer.EnhanceAsync(info, output, output, null, CancellationToken.None);
            // ffmpeg's -t on a looped input may cut one frame more or less; every frame the clip holds must come out.
            Assert.That(result.DecodeProblem, Is.Null, clip);
            Assert.That(result.FramesWritten, Is.EqualTo(info.FrameCount), clip);
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return (double.Parse(line[6..].Trim().Split(' ')[0]) / 1024, result.FramesWritten);
            throw new InvalidOperationException("no VmHWM");
        }

        await Measure(warmUp);
        var ten = await Measure(tenSeconds);
        var sixty = await Measure(sixtySeconds);
        TestContext.Out.WriteLine($"peak resident memory: {ten.PeakMiB:F0} MiB for {ten.Frames} frames, {sixty.PeakMiB:F0} MiB for {sixty.Frames} frames");
        Assert.That(sixty.Frames, Is.GreaterThan(5 * ten.Frames), "the long clip is about six times the short one");
        Assert.That(sixty.PeakMiB, Is.LessThan(ten.PeakMiB * 1.10), "peak memory of a 60 s clip within 10% of a 10 s clip");
    }

    [Test]
    public async Task TensorsInDeviceMemoryGiveTheSameVideo()
    {
        // The CUDA path's layout without CUDA: the slots' tensors in device-local memory that the host
        // cannot read, the network reached through staging copies. Any host read of a slot's tensors in
        // the pipeline would throw; the frames must equal the host-mapped run's, cuts included.
        string clip = Path.Combine(Folder, "small.mp4");
        TestClips.Make(clip, new ClipCut(Start: 1.5, Seconds: 1, Audio: false));
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null) { ExternalMemory = true });
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        // The shaders both times: tensors in device memory always take them (the CPU twins cannot reach them).
        var options = VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast, FastLongSide = 96, Stages = FrameStages.Vulkan };

        async Task<(List<string> Frames, IReadOnlyList<int> Cuts)> Enhance(IEnhancerTensors tensors)
        {
            var frames = new List<string>();
            await using var source = new VideoFrameReader(VideoProbe.Probe(clip));
            var result = await new VideoEnhancer(device, tensors, options).EnhanceAsync(source, new DiscardingSink(), null, CancellationToken.None,
                (_, _, output) => frames.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(output))));
            return (frames, result.Cuts);
        }
        using var hostMapped = new HostMappedTensors(estimator);
        using var deviceLocal = new StagedDeviceTensors(device, estimator);
        var expected = await Enhance(hostMapped);
        Assert.That((device.ExternalAcquires, device.ExternalReleases), Is.EqualTo((0L, 0L)), "host-mapped tensors change hands with nobody");
        var actual = await Enhance(deviceLocal);
        // Per frame at least: the pre-process's network input, compose's light map, the staged network's copy out and in.
        Assert.That(device.ExternalAcquires, Is.GreaterThanOrEqualTo(4 * actual.Frames.Count));
        Assert.That(device.ExternalReleases, Is.EqualTo(device.ExternalAcquires), "every shared buffer taken from the external queue family was handed back");

        Assert.That(expected.Frames, Has.Count.EqualTo(30));
        Assert.That(actual.Frames, Is.EqualTo(expected.Frames));
        Assert.That(actual.Cuts, Is.EqualTo(expected.Cuts).And.EqualTo(new[] { 15 }), "the cut at 2 s is frame 15 of a clip starting at 1.5 s");
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    /// <summary>A sink that keeps nothing (the frames are looked at through the frame tap).</summary>
    internal sealed class DiscardingSink : IFrameSink
    {
        public Task WriteAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation) => Task.CompletedTask;

        public Task CompleteAsync() => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    internal static void Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, error);
    }
}
