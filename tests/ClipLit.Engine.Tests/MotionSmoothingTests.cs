using ClipLit.Core.Imaging;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

/// <summary>
/// On a real fast pan, a moving average that follows motion stays near each frame's own light map
/// where the plain average drags the old scene behind; files get each frame's own map by default.
/// </summary>
[TestFixture]
public sealed class MotionSmoothingTests : TemporaryFolderFixture
{
    [Test]
    public async Task FollowingMotionKeepsAPanNearEachFramesOwnMap()
    {
        // 1.5 s of fast pan (10-20 px a frame at 720p), no cut in it; fast quality at a small network size.
        string clip = TestClips.Make(Path.Combine(Folder, "pan.mp4"), new ClipCut(Start: 0.1, Seconds: 1.2, Width: 320, Height: 180, Audio: false, Source: "pan_720p30.mp4"));
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        using var tensors = new HostMappedTensors(estimator);

        async Task<(List<byte[]> Frames, VideoResult Result)> Enhance(TemporalOptions temporal)
        {
            var frames = new List<byte[]>();
            var options = VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast, FastLongSide = 96, Temporal = temporal };
            await using var source = new VideoFrameReader(VideoProbe.Probe(clip));
            var result = await new VideoEnhancer(device, tensors, options).EnhanceAsync(source, new VideoEnhancerTests.DiscardingSink(), null, CancellationToken.None,
                (_, _, output) => frames.Add(output.ToArray()));
            return (frames, result);
        }

        var own = await Enhance(TemporalOptions.Off);
        var plain = await Enhance(TemporalOptions.Plain);
        var motion = await Enhance(TemporalOptions.Motion);
        var byDefault = await Enhance(VideoEnhanceOptions.Default.Temporal);

        Assert.That(own.Result.Cuts, Is.Empty, "the stretch has no cut");
        Assert.That(motion.Result.StageSeconds.GetValueOrDefault("motion"), Is.GreaterThan(0), "the motion was estimated");
        Assert.That(byDefault.Frames, Is.EqualTo(own.Frames), "a file's default is each frame's own light map");

        // From the fifth frame on (the averages have history), each frame against its own map's output.
        double Mean(List<byte[]> frames) => frames.Skip(5).Zip(own.Frames.Skip(5), (a, b) => CappedPsnr(a, b)).Average();
        double plainPsnr = Mean(plain.Frames), motionPsnr = Mean(motion.Frames);
        TestContext.Out.WriteLine($"against each frame's own map: plain average {plainPsnr:F2} dB, following motion {motionPsnr:F2} dB");
        Assert.That(double.IsFinite(plainPsnr) && double.IsFinite(motionPsnr), "finite PSNRs");
        Assert.That(motionPsnr, Is.GreaterThan(plainPsnr + 4), "following motion removes most of the plain average's trail");
        Assert.That(motionPsnr, Is.GreaterThan(33), "and stays near each frame's own map");
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    /// <summary>PSNR over RGB (<see cref="FrameMetrics.Psnr(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>), 99 dB for equal frames so means stay finite.</summary>
    private static double CappedPsnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Math.Min(99, FrameMetrics.Psnr(a, b));
}
