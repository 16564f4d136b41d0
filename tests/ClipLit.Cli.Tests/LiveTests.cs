using System.Diagnostics;
using ClipLit.Engine;
using ClipLit.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipLit.Cli.Tests;

/// <summary>
/// <c>cliplit live</c> in a real window: a separate cliplit process under Xvfb presents through a
/// Vulkan swapchain on lavapipe, and what it read back from the swapchain is compared with the
/// frame engine's output for the same frame.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LiveTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    private string SmallClip()
    {
        string clip = _workspace.PathOf("small.mkv");
        VideoTests.Ffmpeg($"-ss 1.8 -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -frames:v 12 -vf scale=320:180 -c:v ffv1 -an \"{clip}\"");
        return clip;
    }

    [Test]
    public void TheWindowShowsTheEngineFrameForThatTimestamp()
    {
        string clip = SmallClip();
        string screenshot = _workspace.PathOf("shot.png");
        var live = RunInXvfb("live", "--input", clip, "--frames", "8", "--screenshot", screenshot, "--quality", "fast", "--device", "cpu", "--model", SharedData.EnhancementCheckpoint);
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Contain("Vulkan validation: 0 errors"));
        Assert.That(live.Error, Does.Contain("presented 8 frames"));

        var engine = Cli.Run(Cli.WithModel("enhance", clip, "-o", _workspace.PathOf("engine/%03d.png"), "--quality", "fast", "--device", "cpu"));
        Assert.That(engine.ExitCode, Is.Zero, engine.ToString());
        var shown = Pixels(screenshot);
        var expected = Pixels(_workspace.PathOf("engine/008.png"));
        var previous = Pixels(_workspace.PathOf("engine/007.png"));
        Assert.That((shown.Width, shown.Height), Is.EqualTo((320, 180)), "the window opens at the frame's size");
        double psnr = FrameMetrics.Psnr(shown.Rgba, expected.Rgba);
        TestContext.Out.WriteLine($"screenshot vs engine frame 8: {psnr:F2} dB; vs frame 7: {FrameMetrics.Psnr(shown.Rgba, previous.Rgba):F2} dB");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(40), "the presented image is the engine's frame 8");
        Assert.That(FrameMetrics.Psnr(shown.Rgba, previous.Rgba), Is.LessThan(psnr), "and not a neighbouring frame");
    }

    [Test]
    public void AWindowOfAnotherShapeShowsTheFrameLetterboxed()
    {
        string clip = SmallClip();
        string screenshot = _workspace.PathOf("wide.png");
        var live = RunInXvfb("live", "--input", clip, "--frames", "8", "--screenshot", screenshot, "--window-size", "640x480", "--device", "cpu", "--model", SharedData.EnhancementCheckpoint);
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Contain("Vulkan validation: 0 errors"));
        var engine = Cli.Run(Cli.WithModel("enhance", clip, "-o", _workspace.PathOf("engine/%03d.png"), "--device", "cpu"));
        Assert.That(engine.ExitCode, Is.Zero, engine.ToString());

        var shown = Pixels(screenshot);
        Assert.That((shown.Width, shown.Height), Is.EqualTo((640, 480)));
        // 320x180 scaled 2x to 640x360, centred: black bars of 60 rows above and below.
        Assert.That(shown.Rgba[..(4 * 640 * 60)].Where((_, i) => i % 4 != 3), Is.All.EqualTo(0), "bar above");
        Assert.That(shown.Rgba[(4 * 640 * 420)..].Where((_, i) => i % 4 != 3), Is.All.EqualTo(0), "bar below");
        var picture = shown.Rgba[(4 * 640 * 60)..(4 * 640 * 420)];
        using var expected = Image.Load<Rgba32>(_workspace.PathOf("engine/008.png"));
        expected.Mutate(c => c.Resize(640, 360, KnownResamplers.Triangle));
        var scaled = new byte[4 * 640 * 360];
        expected.CopyPixelDataTo(scaled);
        double psnr = FrameMetrics.Psnr(picture, scaled);
        TestContext.Out.WriteLine($"letterboxed picture vs engine frame 8 scaled 2x: {psnr:F2} dB");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(30), "the picture between the bars is the engine's frame, scaled");
    }

    [Test]
    public void HeadlessRunPresentsEveryFrameWithoutAWindow()
    {
        var result = Cli.Run(Cli.WithModel("live", "--input", SmallClip(), "--no-window", "--device", "cpu"));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Error, Does.Contain("presented 12 frames"));
    }

    [Test]
    public void AMissingInputIsOneLineAndExitCodeOne()
    {
        string missing = _workspace.PathOf("missing.mp4");
        var result = Cli.Run(Cli.WithModel("live", "--input", missing, "--no-window"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.StartsWith("error: ").And.Contains(missing));
    }

    /// <summary>Runs the built cliplit program in a virtual X display, with Vulkan validation required.</summary>
    private static Cli.Result RunInXvfb(params string[] args)
    {
        string program = Path.Combine(AppContext.BaseDirectory, "cliplit");
        var start = new ProcessStartInfo("xvfb-run") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-a", "-s", "-screen 0 1600x900x24", program }.Concat(args)) start.ArgumentList.Add(arg);
        start.Environment["CLIPLIT_VULKAN_VALIDATION"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var result = new Cli.Result(process.ExitCode, output.Result, error);
        TestContext.Out.WriteLine($"xvfb-run cliplit {string.Join(' ', args)}\n{result}");
        return result;
    }

    private static (byte[] Rgba, int Width, int Height) Pixels(string path)
    {
        using var image = Image.Load<Rgba32>(path);
        var bytes = new byte[4 * image.Width * image.Height];
        image.CopyPixelDataTo(bytes);
        return (bytes, image.Width, image.Height);
    }
}
