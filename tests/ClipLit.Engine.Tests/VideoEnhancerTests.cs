using System.Diagnostics;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

[TestFixture]
public sealed class VideoEnhancerTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("cliplit-engine-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase(EnhanceQuality.Fast)]
    [TestCase(EnhanceQuality.Full)]
    public async Task EnhancesAClipKeepingFramesTimestampsAndAudio(EnhanceQuality quality)
    {
        string clip = Path.Combine(_folder, "clip.mp4");
        // Full quality costs about 2 s a frame on a 2-core CPU: a handful of frames proves the path.
        string frames = quality == EnhanceQuality.Full ? "-frames:v 6" : "-t 1";
        Run("ffmpeg", $"-v error -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" {frames} -c:v libx264 -preset ultrafast -c:a copy \"{clip}\"");
        var info = VideoProbe.Probe(clip);
        using var device = new VkComputeDevice(new VkDeviceOptions(Validation: true, null));
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        var enhancer = new VideoEnhancer(device, estimator, VideoEnhanceOptions.Default with { Quality = quality });
        string output = Path.Combine(_folder, "out.mp4");
        var result = await enhancer.EnhanceAsync(info, output, output, null, CancellationToken.None);
        TestContext.Out.WriteLine($"{quality}: {result.FramesWritten} frames in {result.Elapsed.TotalSeconds:F1} s; stages: {string.Join(", ", result.StageSeconds.Select(kv => $"{kv.Key} {kv.Value:F1} s"))}");

        var enhanced = VideoProbe.Probe(output);
        Assert.That(result.DecodeProblem, Is.Null);
        Assert.That(enhanced.FrameTimestamps, Is.EqualTo(info.FrameTimestamps));
        Assert.That(enhanced.AudioStreams, Is.EqualTo(1));
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    private static void Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, error);
    }
}
