using ClipLit.Engine.Live;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Live;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

/// <summary>The live view's engine, headless, driven through its API: what it did is read from its statistics.</summary>
[TestFixture]
public sealed class LiveLoopTests : TemporaryFolderFixture
{
    [Test]
    public void AHeadlessRunPresentsEveryFrameOfAFile()
    {
        var statistics = Play(SmallClip(), new LiveOptions(FrameLimit: null, ScreenshotPath: null, Loop: false, Lockstep: false));
        // The loop keeps to the clip's pace: on a loaded machine (CI runs test projects side by side) it
        // may skip a frame rather than fall behind. Every frame is accounted for, and nearly all shown.
        Assert.That(statistics.Presented + statistics.Skipped, Is.EqualTo(12), statistics.ToString());
        Assert.That(statistics.Presented, Is.GreaterThanOrEqualTo(10), statistics.ToString());
        Assert.That(statistics.LightMaps, Is.InRange(1, 12));
        // The shown rate is a player's: from the first frame shown, never above the clip's 30 fps
        // (a rate over the whole run would count the first light map's wait, reported apart).
        Assert.That(statistics.FirstFrameSeconds, Is.InRange(0.001, 60.0), statistics.ToString());
        Assert.That(statistics.PresentedPerSecond, Is.InRange(1.0, 32.0), statistics.ToString());
    }

    [Test]
    public void AFileFasterThanTheLoopCanShowKeepsItsPaceBySkippingLateFrames()
    {
        // 60 frames at 300 fps: 0.2 s of video, more frames a second than the loop can render. As a
        // player does, a frame already past its time is skipped when the next one is decoded (up to
        // 100 ms behind; beyond, the pacer's clock catches up). A decoder kept one frame ahead has
        // rarely decoded the next when the loop looks: it must be let further ahead while the loop is late.
        string clip = TestClips.Make(Path.Combine(Folder, "fast.mkv"), new ClipCut(Start: 1.8, Frames: 60, Lossless: true, Audio: false, FramesPerSecond: 300));
        var statistics = Play(clip, new LiveOptions(FrameLimit: null, ScreenshotPath: null, Loop: false, Lockstep: false));
        TestContext.Out.WriteLine(statistics);
        Assert.That(statistics.Presented + statistics.Skipped, Is.EqualTo(60), statistics.ToString());
        Assert.That(statistics.Skipped, Is.GreaterThanOrEqualTo(1), statistics.ToString());
        Assert.That(statistics.Presented, Is.GreaterThanOrEqualTo(1), statistics.ToString());
    }

    [Test]
    public void InLockstepEveryFrameGetsItsOwnLightMap()
    {
        var statistics = Play(SmallClip(), new LiveOptions(FrameLimit: null, ScreenshotPath: null, Loop: false, Lockstep: true));
        Assert.That((statistics.Presented, statistics.LightMaps, statistics.MeanLightMapAgeFrames), Is.EqualTo((12, 12, 0.0)));
    }

    [Test]
    public async Task AWatchedFolderSwapsInACompletedCheckpointOnce()
    {
        string watched = Directory.CreateDirectory(Path.Combine(Folder, "checkpoints")).FullName;
        var options = new LiveOptions(FrameLimit: 240, ScreenshotPath: null, Loop: true, Lockstep: false, WatchFolder: watched);
        var log = new WatchedWriter();
        var live = Task.Run(() => Play(SmallClip(), options, SharedData.Path("models", "clip-lit", "init_enhancement_model.pth"), log));
        // Files in the folder when watching starts are the past: the first lane's line comes after the watcher looked.
        Assert.That(await Task.WhenAny(log.WhenWritten("light maps from"), live), Is.Not.SameAs(live), log.ToString());
        // A trainer's checkpoint, written to a temporary name and renamed.
        string temporary = Path.Combine(watched, ".epoch_2.pth.tmp");
        File.Copy(SharedData.EnhancementCheckpoint, temporary);
        File.Move(temporary, Path.Combine(watched, "epoch_2.pth"));

        var statistics = await live;
        TestContext.Out.WriteLine(log.ToString());
        Assert.That(statistics.ModelsSwapped, Is.EqualTo(1), log.ToString());
        Assert.That(statistics.FirstFrameOfLastModelUtc, Is.Not.Null, "a frame lit by the new model was shown");
        Assert.That(statistics.Presented, Is.EqualTo(240), "no frame was dropped");
    }

    [Test]
    public async Task InFullQualityAModelTheStudentDoesNotServeIsSwappedInWithoutTheStudent()
    {
        // Full quality with the shipped student: the student places the paper's maps on each frame, and
        // lights every frame until the first of them (most of this run on a loaded machine). A model it
        // was not distilled from, swapped in meanwhile, runs without it.
        string watched = Directory.CreateDirectory(Path.Combine(Folder, "checkpoints")).FullName;
        using var studentSession = new EnhancerSession(ModelFile.LoadStudent(Path.Combine(SharedData.RepositoryRoot, "models", "student", "clip-lit-student.onnx")),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false }, new VkDeviceOptions(VkValidation.Required, null));
        var options = new LiveOptions(FrameLimit: 120, ScreenshotPath: null, Loop: true, Lockstep: false, WatchFolder: watched,
            FastModel: new LoadedModel(studentSession, TimeSpan.Zero));
        var log = new WatchedWriter();
        var live = Task.Run(() => Play(SmallClip(), options, log: log, quality: EnhanceQuality.Full, temporal: TemporalOptions.For(FramePlan.DefaultSmoothing, live: true)));
        Assert.That(await Task.WhenAny(log.WhenWritten("light maps from"), live), Is.Not.SameAs(live), log.ToString());
        string temporary = Path.Combine(watched, ".other.pth.tmp");
        File.Copy(SharedData.Path("models", "clip-lit", "init_enhancement_model.pth"), temporary);
        File.Move(temporary, Path.Combine(watched, "other.pth"));

        var statistics = await live;
        TestContext.Out.WriteLine(log.ToString());
        TestContext.Out.WriteLine(statistics.LightMapSource);
        Assert.That(statistics.ModelsSwapped, Is.EqualTo(1), log.ToString());
        Assert.That(log.ToString(), Does.Contain("light maps from student clip-lit-student.onnx"), "the student lit the first frames");
        Assert.That(statistics.LightMapSource, Does.Contain("other.pth").And.Not.Contain("clip-lit-student"), "the new model's maps, not placed by a student of another model");
    }

    /// <summary>Twelve 320x180 frames of the shared clip, losslessly coded.</summary>
    [Test]
    public void ACamerasFramesAreShownAsTheyArriveNotHeldForTheirTimestamps()
    {
        // A camera's frames are stamped as they arrive. Paced like a file's from the first frame shown,
        // each was held back by the first frame's whole path (its first light map included) while the
        // newest-wins read-ahead dropped what came meanwhile: 11-20 fps shown from a 30 fps camera.
        var (input, first) = LiveSources.OpenCamera(CameraSpec.Parse("lavfi:testsrc2=size=160x90:rate=30"));
        var statistics = Play(input, first, new LiveOptions(FrameLimit: 20, ScreenshotPath: null, Loop: false, Lockstep: false));
        Assert.That(statistics.Presented, Is.EqualTo(20), statistics.ToString());
        Assert.That(statistics.MeanFrameTimes.Due, Is.InRange(0.0, 1.0), "milliseconds a frame waited for its time: " + statistics);
    }

    private string SmallClip()
    {
        string clip = Path.Combine(Folder, $"small-{Guid.NewGuid():N}.mkv");
        return TestClips.Make(clip, new ClipCut(Start: 1.8, Frames: 12, Lossless: true, Audio: false));
    }

    private static LiveStatistics Play(string clip, LiveOptions options, string? model = null, TextWriter? log = null, EnhanceQuality quality = EnhanceQuality.Fast,
        TemporalOptions? temporal = null)
    {
        var (input, first) = LiveSources.OpenFile(clip, CancellationToken.None);
        return Play(input, first, options, model, log, quality, temporal);
    }

    private static LiveStatistics Play(LiveInput input, IFrameSource first, LiveOptions options, string? model = null, TextWriter? log = null,
        EnhanceQuality quality = EnhanceQuality.Fast, TemporalOptions? temporal = null)
    {
        using var session = new EnhancerSession(new PaperNetworkModel(ModelLoader.Load(model ?? SharedData.EnhancementCheckpoint)),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false }, new VkDeviceOptions(VkValidation.Required, null));
        var running = new LoadedModel(session, TimeSpan.Zero);
        var loop = new LiveLoop(window: null, presenter: null, running, VideoEnhanceOptions.Default with { Quality = quality, Temporal = temporal ?? VideoEnhanceOptions.Default.Temporal }, options, log ?? TextWriter.Null);
        var statistics = loop.Run(input, first, CancellationToken.None);
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));
        return statistics;
    }
}
