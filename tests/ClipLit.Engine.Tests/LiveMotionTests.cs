using ClipLit.Core.Imaging;
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
/// The live view lights the frame it shows: a light map that the network finished frames after its
/// frame was taken is fetched where that frame's content is now (by default, and with the average
/// that follows motion), so on a real fast pan each shown frame is nearer its own light map's picture
/// than with the plain average, which lights where things were; in full quality with a student, the
/// student's map of each shown frame corrects the carried map where the motion missed.
/// </summary>
[TestFixture]
public sealed class LiveMotionTests : TemporaryFolderFixture
{
    [Test]
    public void FollowingMotionLightsTheShownFrameWhereItsContentIsNow()
    {
        // About a second of fast pan without a cut, small, lossless: full quality's network takes a few frames' time.
        string clip = TestClips.Make(Path.Combine(Folder, "pan.mkv"), new ClipCut(Start: 0.1, Frames: 36, Width: 320, Height: 180, Lossless: true, Audio: false,
            Source: "pan_720p30.mp4"));
        var own = Play(clip, TemporalOptions.Off, lockstep: true, out _);
        Assert.That(own, Has.Count.EqualTo(36), "lockstep shows every frame with its own light map");

        var plain = Play(clip, TemporalOptions.Plain, lockstep: false, out var plainStatistics);
        var motion = Play(clip, TemporalOptions.Motion, lockstep: false, out var motionStatistics);
        var byDefault = Play(clip, TemporalOptions.For(FramePlan.DefaultSmoothing, live: true), lockstep: false, out _);

        double Mean(Dictionary<int, byte[]> shown) => shown.Where(f => f.Key >= 6).Select(f => CappedPsnr(f.Value, own[f.Key])).Average();
        double plainPsnr = Mean(plain), motionPsnr = Mean(motion), defaultPsnr = Mean(byDefault);
        TestContext.Out.WriteLine($"shown frames against their own light map's picture: plain average {plainPsnr:F2} dB "
                                  + $"(maps {plainStatistics.MeanLightMapAgeFrames:F1} frames old), following motion {motionPsnr:F2} dB (maps {motionStatistics.MeanLightMapAgeFrames:F1} frames old), by default (the newest map carried) {defaultPsnr:F2} dB");
        Assert.That(motionStatistics.MeanLightMapAgeFrames, Is.GreaterThan(1), "the network lags: the maps shown are of earlier frames");
        Assert.That(double.IsFinite(plainPsnr) && double.IsFinite(motionPsnr), "finite PSNRs");
        Assert.That(motionPsnr, Is.GreaterThan(plainPsnr + 2), "following motion lights the frame where its content is now");
        Assert.That(double.IsFinite(defaultPsnr) && defaultPsnr > plainPsnr + 2, "and so does the default, which carries the newest map without an average");
    }

    [Test]
    public void FullQualityWithAStudentLightsEachShownFrameWhereItIsNow()
    {
        // The fast pan without a cut, as above: the paper's network takes several frames' time on this CPU.
        string clip = TestClips.Make(Path.Combine(Folder, "pan.mkv"), new ClipCut(Start: 0.1, Frames: 36, Width: 320, Height: 180, Lossless: true, Audio: false,
            Source: "pan_720p30.mp4"));
        // The shipped student (a random one would place nothing): what fast quality and the cut frames run.
        var student = ModelFile.LoadStudent(Path.Combine(SharedData.RepositoryRoot, "models", "student", "clip-lit-student.onnx"));
        var own = Play(clip, TemporalOptions.Off, lockstep: true, out _);
        var live = TemporalOptions.For(FramePlan.DefaultSmoothing, live: true);
        var fresh = Play(clip, live, lockstep: false, out var freshStatistics, student);
        var carried = Play(clip, live with { CorrectWithStudent = false }, lockstep: false, out var carriedStatistics, student);

        double Mean(Dictionary<int, byte[]> shown) => shown.Where(f => f.Key >= 6).Select(f => CappedPsnr(f.Value, own[f.Key])).Average();
        double Worst(Dictionary<int, byte[]> shown) => shown.Where(f => f.Key >= 6).Select(f => CappedPsnr(f.Value, own[f.Key])).Min();
        TestContext.Out.WriteLine($"against the paper's output for the frame shown: the teacher's map carried by motion {Mean(carried):F2} / {Worst(carried):F2} dB "
                                  + $"(maps {carriedStatistics.MeanLightMapAgeFrames:F1} frames old), corrected by the student on each frame {Mean(fresh):F2} / {Worst(fresh):F2} dB "
                                  + $"(teacher maps {freshStatistics.MeanLightMapAgeFrames:F1} frames old; {freshStatistics.LightMapSource})");
        Assert.That(freshStatistics.LightMapSource, Does.Contain("placed on each frame by student"), "the teacher's maps took over from the student's own");
        // The heads-up display and the summary say the student works on every frame, beside the teacher's slow rate.
        Assert.That(freshStatistics.EveryFrameMilliseconds, Is.Not.Null.And.GreaterThan(0).And.LessThan(10_000), "the student's time on each frame");
        Assert.That(carriedStatistics.EveryFrameMilliseconds, Is.Null, "no student on every frame when it does not place the maps");
        Assert.That(Worst(fresh), Is.Not.NaN.And.GreaterThan(30), "no shown frame far from the paper's output for it");
        Assert.That(Mean(fresh), Is.Not.NaN.And.GreaterThan(Mean(carried) - 0.3), "never worse than the carried map");
        // Here (2 cores) maps 5 frames old: carried 32.6-34.0 dB mean, 29.0-29.7 worst; corrected 35.6-35.7, 33.0.
        // The older the teacher's maps, the more the motion misses and the more the student gains; a fast machine's fresh maps leave it little to correct.
        if (carriedStatistics.MeanLightMapAgeFrames >= 3)
        {
            Assert.That(Mean(fresh), Is.GreaterThan(Mean(carried) + 0.75), "the student's map of each frame corrects where the carried map missed");
            Assert.That(Worst(fresh), Is.GreaterThan(Worst(carried) + 1.5), "above all on the frames the carried map lit worst");
        }
    }

    /// <summary>The clip in the headless live view, full quality on the CPU; the shown frames by index.</summary>
    private static Dictionary<int, byte[]> Play(string clip, TemporalOptions temporal, bool lockstep, out LiveStatistics statistics, LightMapModel? student = null)
    {
        var video = VideoProbe.Probe(clip);
        var input = new LiveInput(Path.GetFileName(clip), video.Width, video.Height, video.NominalFrameRate, () => new VideoFrameReader(video), IsCamera: false);
        using var session = new EnhancerSession(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false }, new VkDeviceOptions(VkValidation.Required, null));
        var shown = new Dictionary<int, byte[]>();
        using var studentSession = student is null ? null : new EnhancerSession(student, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false },
            new VkDeviceOptions(VkValidation.Required, null));
        var options = new LiveOptions(FrameLimit: null, ScreenshotPath: null, Loop: false, Lockstep: lockstep, FrameTap: (index, rgba) => shown[index] = rgba.ToArray(),
            FastModel: studentSession is null ? null : new LoadedModel(studentSession, TimeSpan.Zero));
        var loop = new LiveLoop(window: null, presenter: null, new LoadedModel(session, TimeSpan.Zero),
            VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Full, Temporal = temporal }, options, TextWriter.Null);
        statistics = loop.Run(input, input.Open(), CancellationToken.None);
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));
        return shown;
    }

    /// <summary>PSNR over RGB (<see cref="FrameMetrics.Psnr(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>), 99 dB for equal frames so means stay finite.</summary>
    private static double CappedPsnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Math.Min(99, FrameMetrics.Psnr(a, b));
}
