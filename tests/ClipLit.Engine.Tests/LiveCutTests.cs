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
/// The live view at scene cuts and with students, headless on the CPU: no frame is divided by a
/// light map of another scene, a student lights fast quality and the cut frames, and a student
/// written into a watched run folder is swapped in. Frames are captured with the frame tap.
/// </summary>
[TestFixture]
public sealed class LiveCutTests : TemporaryFolderFixture
{
    private const int CutFrame = 15; // the shared clip cuts at 2 s; the clip below starts at 1.5 s, 30 fps

    private static EnhancerOptions Cpu => EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false };

    [Test]
    public void AfterACutFullQualityShowsLightMapsOfTheNewSceneOnly()
    {
        string clip = ClipWithACut();
        var shown = new Dictionary<int, byte[]>();
        var (statistics, _) = Play(clip, EnhanceQuality.Full, fast: null, shown);
        TestContext.Out.WriteLine(statistics);
        Assert.That(statistics.SceneCuts, Is.EqualTo(1), "the clip has one cut");
        Assert.That(statistics.CutFramesLit, Is.EqualTo(1), "the cut frame got a light map of its own");

        // The paper's network on each frame alone, at full size: what full quality converges to.
        var frames = Decode(clip);
        using var session = new EnhancerSession(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)), Cpu, new VkDeviceOptions(VkValidation.Required, null));
        var checkedFrames = shown.Keys.Where(i => i >= CutFrame && i < CutFrame + 6).Order().ToList();
        Assert.That(checkedFrames, Is.Not.Empty, "frames after the cut were shown");
        foreach (int index in checkedFrames)
        {
            var own = (byte[])frames[index].Clone();
            session.Stills.Enhance(own, 320, 180, CancellationToken.None);
            double psnr = FrameMetrics.Psnr(shown[index], own);
            TestContext.Out.WriteLine($"frame {index}: {psnr:F1} dB from the paper's output for that frame");
            // A frame divided by the previous scene's light map is 10-15 dB from it.
            Assert.That(psnr, Is.Not.NaN.And.GreaterThanOrEqualTo(25), $"frame {index} is lit by a light map of its own scene");
        }
    }

    [Test]
    public void AStudentLightsTheCutFrameInFullQualityUntilTheNetworksLightMapArrives()
    {
        // Two seconds after the cut at 4 s, up to the next: time for the teacher's own light map of the new scene on a loaded CPU.
        string clip = ClipWithACut(frames: 74, start: 3.5);
        string studentPath = TestStudents.Write(Path.Combine(Folder, "student.onnx"));
        var student = ModelFile.LoadStudent(studentPath);
        var shown = new Dictionary<int, byte[]>();
        var (statistics, _) = Play(clip, EnhanceQuality.Full, student, shown);
        TestContext.Out.WriteLine(statistics);
        Assert.That((statistics.SceneCuts, statistics.CutFramesLit), Is.EqualTo((1, 1)));
        int first = shown.Keys.Where(i => i >= CutFrame).Min();

        // The student on the first shown frame of the new scene alone, as fast quality would show it.
        var frames = Decode(clip);
        using var session = new EnhancerSession(student, Cpu, new VkDeviceOptions(VkValidation.Required, null));
        var layout = student.LayoutFor(320, 180, EnhanceQuality.Fast);
        using var path = new FramePath(session.Device, session.TensorsFor(layout.NetworkWidth, layout.NetworkHeight), layout, 1, TemporalOptions.Off);
        var slot = path.Slots[0];
        frames[first].CopyTo(slot.InputBytes.Span);
        path.Enhance(slot, CancellationToken.None);
        double psnr = FrameMetrics.Psnr(shown[first], slot.OutputBytes.ToArray());
        TestContext.Out.WriteLine($"first frame after the cut ({first}): {psnr:F1} dB from the student's output for it");
        Assert.That(psnr, Is.Not.NaN.And.GreaterThanOrEqualTo(40), "the first frame of the new scene is the student's picture of it");
        Assert.That(statistics.LightMapSource, Does.StartWith("teacher enhancement_model.pth at 320x180"), "the network's own light maps took over");
    }

    [Test]
    public async Task AStudentWrittenIntoAWatchedRunFolderIsSwappedInAtItsOwnScale()
    {
        string run = Directory.CreateDirectory(Path.Combine(Folder, "run")).FullName;
        string clip = ClipWithACut();
        var log = new WatchedWriter();
        var options = new LiveOptions(FrameLimit: 150, ScreenshotPath: null, Loop: true, Lockstep: false, WatchFolder: run);
        var live = Task.Run(() => Play(clip, EnhanceQuality.Fast, fast: null, shown: null, options, log));
        // Files in the folder when watching starts are the past: the first lane's line comes after the watcher looked.
        Assert.That(await Task.WhenAny(log.WhenWritten("light maps from"), live), Is.Not.SameAs(live), log.ToString());
        // What 'cliplit distill' does at each new best: student.onnx written atomically.
        TestStudents.Write(Path.Combine(run, "student.onnx"), seed: 7);

        var (statistics, _) = await live;
        TestContext.Out.WriteLine(log.ToString());
        Assert.That(statistics.ModelsSwapped, Is.EqualTo(1), log.ToString());
        Assert.That(statistics.FirstFrameOfLastModelUtc, Is.Not.Null, "a frame lit by the student was shown");
        Assert.That(statistics.LightMapSource, Is.EqualTo("student student.onnx at 64x36"), "the student runs at its own scale (1/5)");
        Assert.That(statistics.Presented, Is.EqualTo(150));
    }

    /// <summary>320x180 frames of the shared clip from <paramref name="start"/> s, around its cut 0.5 s later (frame 15; cuts are at 2, 4 and 6 s), losslessly coded.</summary>
    private string ClipWithACut(int frames = 30, double start = 1.5)
    {
        string clip = Path.Combine(Folder, $"cut-{Guid.NewGuid():N}.mkv");
        TestClips.Make(clip, new ClipCut(Start: start, Frames: frames, Lossless: true, Audio: false));
        return clip;
    }

    private static List<byte[]> Decode(string clip)
    {
        var video = VideoProbe.Probe(clip);
        var frames = new List<byte[]>();
        var reader = new VideoFrameReader(video);
        try
        {
            while (true)
            {
                var buffer = new byte[4 * video.Width * video.Height];
                if (!reader.ReadAsync(buffer, CancellationToken.None).AsTask().GetAwaiter().GetResult().HasFrame) break;
                frames.Add(buffer);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return frames;
    }

    private static (LiveStatistics Statistics, string Log) Play(string clip, EnhanceQuality quality, StudentModel? fast, Dictionary<int, byte[]>? shown,
        LiveOptions? options = null, TextWriter? log = null)
    {
        var video = VideoProbe.Probe(clip);
        var input = new LiveInput(Path.GetFileName(clip), video.Width, video.Height, video.NominalFrameRate, () => new VideoFrameReader(video), IsCamera: false);
        using var session = new EnhancerSession(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)), Cpu, new VkDeviceOptions(VkValidation.Required, null));
        var running = new LoadedModel(session, TimeSpan.Zero);
        using var student = fast is null ? null : new LoadedModel(session.OpenSibling(fast), TimeSpan.Zero);
        log ??= new StringWriter();
        options = (options ?? new LiveOptions(FrameLimit: null, ScreenshotPath: null, Loop: false, Lockstep: false)) with
        {
            FastModel = student,
            FrameTap = shown is null ? null : (index, rgba) => shown[index] = rgba.ToArray(),
        };
        var loop = new LiveLoop(window: null, presenter: null, running, VideoEnhanceOptions.Default with { Quality = quality }, options, log);
        var statistics = loop.Run(input, input.Open(), CancellationToken.None);
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));
        return (statistics, log.ToString() ?? "");
    }
}
