using ClipLit.Engine.Gpu;
using ClipLit.Engine.Live;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

/// <summary>
/// The correction's strength on moving pictures: a video file's frames and the live view's shown
/// frames are the input exactly at 0, and brighter than the paper's output above 1; the live view's
/// statistics and heads-up display say the strength.
/// </summary>
[TestFixture]
public sealed class StrengthTests : TemporaryFolderFixture
{
    [Test]
    public async Task AVideosFramesAreTheInputAtZeroAndBrighterAboveOne()
    {
        string clip = TestClips.Make(Path.Combine(Folder, "clip.mp4"), new ClipCut(Start: 1.5, Seconds: 1, Width: 320, Height: 180, Audio: false));
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        using var tensors = new HostMappedTensors(estimator);

        async Task<List<(byte[] Input, byte[] Output)>> Enhance(float strength)
        {
            var frames = new List<(byte[], byte[])>();
            var options = VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast, FastLongSide = 96, Strength = strength };
            await using var source = new VideoFrameReader(VideoProbe.Probe(clip));
            await new VideoEnhancer(device, tensors, options).EnhanceAsync(source, new VideoEnhancerTests.DiscardingSink(), null, CancellationToken.None,
                (_, input, output) => frames.Add((input.ToArray(), output.ToArray())));
            return frames;
        }

        var none = await Enhance(CorrectionStrength.None);
        var paper = await Enhance(CorrectionStrength.Paper);
        var more = await Enhance(1.5f);
        Assert.That(none, Has.Count.EqualTo(30));
        Assert.That(none.All(f => f.Input.AsSpan().SequenceEqual(f.Output)), "strength 0: every frame is its input");
        double Mean(IEnumerable<(byte[] Input, byte[] Output)> frames) => frames.Average(f => f.Output.Where((_, i) => i % 4 != 3).Average(v => (double)v));
        var (dark, normal, bright) = (Mean(none), Mean(paper), Mean(more));
        TestContext.Out.WriteLine($"mean level: strength 0 {dark:F1}, 1 {normal:F1}, 1.5 {bright:F1}");
        Assert.That(normal, Is.GreaterThan(dark + 5), "the paper's output lightens the backlit clip");
        Assert.That(bright, Is.GreaterThan(normal + 5), "1.5 lightens it further");
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    [Test]
    public async Task TheLiveViewShowsTheInputAtZeroAndSaysTheStrength()
    {
        string clip = TestClips.Make(Path.Combine(Folder, "live.mkv"), new ClipCut(Start: 0.1, Frames: 12, Width: 320, Height: 180, Lossless: true, Audio: false));
        var video = VideoProbe.Probe(clip);
        var decoded = new List<byte[]>();
        await using (var reader = new VideoFrameReader(video))
        {
            var buffer = new byte[video.FrameBytes];
            while ((await reader.ReadAsync(buffer, CancellationToken.None)).HasFrame) decoded.Add((byte[])buffer.Clone());
        }
        var input = new LiveInput("live.mkv", video.Width, video.Height, video.NominalFrameRate, () => new VideoFrameReader(video), IsCamera: false);
        using var session = new EnhancerSession(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false }, new VkDeviceOptions(VkValidation.Required, null));
        var shown = new Dictionary<int, byte[]>();
        var options = new LiveOptions(FrameLimit: null, ScreenshotPath: null, Loop: false, Lockstep: true, FrameTap: (index, rgba) => shown[index] = rgba.ToArray(),
            Strength: CorrectionStrength.None);
        var loop = new LiveLoop(window: null, presenter: null, new LoadedModel(session, TimeSpan.Zero),
            VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast, FastLongSide = 96 }, options, TextWriter.Null);
        var statistics = loop.Run(input, input.Open(), CancellationToken.None);

        Assert.That(shown.Keys, Is.EquivalentTo(Enumerable.Range(0, decoded.Count)));
        Assert.That(shown.All(f => f.Value.AsSpan().SequenceEqual(decoded[f.Key])), "strength 0: every shown frame is its input");
        Assert.That(statistics.Strength, Is.EqualTo(CorrectionStrength.None));
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));

        var readings = new HudReadings(30, 10, 20, 1, 40, 60, "CPU", "FAST", new LoadedModel(session, TimeSpan.Zero), null, false) { Strength = 0.6f };
        Assert.That(LiveHud.Lines(readings), Has.One.Contains("STRENGTH 0.60 ([ ])   DENOISE OFF"), "the heads-up display says the strength and its keys, and the denoise");
        Assert.That(LiveHud.Lines(readings with { Denoise = 1f }), Has.One.Contains("DENOISE 1.0"));
        Assert.That(LiveHud.Lines(readings), Has.None.Contains("STUDENT"), "no student line where none runs on every frame");
        Assert.That(LiveHud.Lines(readings with { EveryFrameMilliseconds = 12.4 }), Has.One.EqualTo("STUDENT ON EVERY FRAME, 12 MS: LIGHTS IT WHERE THINGS ARE NOW"),
            "full quality with a student: the enhancer's slow rate is not the picture's");
    }
}
