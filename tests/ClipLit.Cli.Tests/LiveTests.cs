using System.Diagnostics;
using ClipLit.Core.Imaging;
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
        var live = RunInXvfb("live", "--input", clip, "--frames", "8", "--screenshot", screenshot, "--lockstep", "--quality", "fast", "--device", "cpu", "--model", SharedData.EnhancementCheckpoint);
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Contain("Vulkan validation: 0 errors"));
        Assert.That(live.Error, Does.Contain("presented 8 frames"));
        // The screenshot names the source frame it shows (the eighth: index 7) and its time, to compare it with that frame's own output.
        Assert.That(live.Error, Does.Match(@"screenshot 320x180 of frame 7 \(0\.2\d\d s\) written to "));

        var engine = Cli.Run(Cli.WithModel("enhance", clip, "-o", _workspace.PathOf("engine/%03d.png"), "--quality", "fast", "--device", "cpu"));
        Assert.That(engine.ExitCode, Is.Zero, engine.ToString());
        var shown = Pixels(screenshot);
        var expected = Pixels(_workspace.PathOf("engine/008.png"));
        var previous = Pixels(_workspace.PathOf("engine/007.png"));
        Assert.That((shown.Width, shown.Height), Is.EqualTo((320, 180)), "the window opens at the frame's size");
        double psnr = FrameMetrics.Psnr(shown.Rgba, expected.Rgba);
        TestContext.Out.WriteLine($"screenshot vs engine frame 8: {psnr:F2} dB; vs frame 7: {FrameMetrics.Psnr(shown.Rgba, previous.Rgba):F2} dB");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(40), "the presented image is the engine's frame 8");
        Assert.That(FrameMetrics.Psnr(shown.Rgba, previous.Rgba), Is.Not.NaN.And.LessThan(psnr), "and not a neighbouring frame");
    }

    [Test]
    public void SplitViewShowsTheInputLeftAndTheEnhancedFrameRight()
    {
        string clip = SmallClip();
        string screenshot = _workspace.PathOf("split.png");
        var live = RunInXvfb("live", "--input", clip, "--frames", "8", "--screenshot", screenshot, "--split", "0.5", "--lockstep", "--device", "cpu", "--model", SharedData.EnhancementCheckpoint);
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Contain("Vulkan validation: 0 errors"));
        var engine = Cli.Run(Cli.WithModel("enhance", clip, "-o", _workspace.PathOf("engine/%03d.png"), "--device", "cpu"));
        Assert.That(engine.ExitCode, Is.Zero, engine.ToString());
        Directory.CreateDirectory(_workspace.PathOf("input"));
        VideoTests.Ffmpeg($"-i \"{clip}\" -pix_fmt rgba \"{_workspace.PathOf("input/%03d.png")}\"");

        var shown = Pixels(screenshot);
        var input = Pixels(_workspace.PathOf("input/008.png"));
        var enhanced = Pixels(_workspace.PathOf("engine/008.png"));
        Assert.That(HalvesDiffering(shown.Rgba, input.Rgba, enhanced.Rgba), Is.EqualTo((0, 0, 0)), "input | divider | enhanced");
        Assert.That(input.Rgba, Is.Not.EqualTo(enhanced.Rgba), "the two halves differ to begin with");
    }

    [Test]
    public void SideBySideShowsTheComparedModelLeftAndTheRunningModelRight()
    {
        string clip = SmallClip();
        string screenshot = _workspace.PathOf("side-by-side.png");
        string compared = SharedData.Path("models", "clip-lit", "init_enhancement_model.pth");
        var live = RunInXvfb("live", "--input", clip, "--frames", "8", "--screenshot", screenshot, "--lockstep", "--device", "cpu",
            "--model", SharedData.EnhancementCheckpoint, "--compare", compared, "--side-by-side");
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Contain("Vulkan validation: 0 errors"));
        var running = Cli.Run("enhance", clip, "-o", _workspace.PathOf("running/%03d.png"), "--device", "cpu", "--model", SharedData.EnhancementCheckpoint);
        var other = Cli.Run("enhance", clip, "-o", _workspace.PathOf("compared/%03d.png"), "--device", "cpu", "--model", compared);
        Assert.That((running.ExitCode, other.ExitCode), Is.EqualTo((0, 0)), running.ToString() + other);

        var shown = Pixels(screenshot);
        var left = Pixels(_workspace.PathOf("compared/008.png"));
        var right = Pixels(_workspace.PathOf("running/008.png"));
        Assert.That(HalvesDiffering(shown.Rgba, left.Rgba, right.Rgba), Is.EqualTo((0, 0, 0)), "compared model | divider | running model");
        Assert.That(FrameMetrics.Psnr(left.Rgba, right.Rgba), Is.Not.NaN.And.LessThan(40), "the two models' pictures differ to begin with");
    }

    [Test]
    public void TheHeadsUpDisplayCoversTheTopLeftCornerAndNothingElse()
    {
        string clip = SmallClip();
        string plain = _workspace.PathOf("plain.png"), withHud = _workspace.PathOf("hud.png");
        string[] run = ["live", "--input", clip, "--frames", "8", "--lockstep", "--device", "cpu", "--model", SharedData.EnhancementCheckpoint];
        var first = RunInXvfb([.. run, "--screenshot", plain]);
        var second = RunInXvfb([.. run, "--screenshot", withHud, "--hud"]);
        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), first.ToString() + second);
        Assert.That(second.Error, Does.Contain("Vulkan validation: 0 errors"));

        var (without, with) = (Pixels(plain), Pixels(withHud));
        int right = 0, bottom = 0, outside = 0, text = 0;
        for (int y = 0; y < 180; y++)
            for (int x = 0; x < 320; x++)
            {
                int i = 4 * (y * 320 + x);
                bool changed = without.Rgba.AsSpan(i, 3).SequenceCompareTo(with.Rgba.AsSpan(i, 3)) != 0;
                if (!changed) continue;
                if (x < 8 || y < 8) outside++;
                (right, bottom) = (Math.Max(right, x), Math.Max(bottom, y));
                if (with.Rgba[i] == 236 && with.Rgba[i + 1] == 236 && with.Rgba[i + 2] == 236) text++;
            }
        Assert.That(outside, Is.Zero, "nothing changes outside the panel");
        Assert.That(with.Rgba.AsSpan(4 * (8 * 320 + 8), 3).ToArray(), Is.EqualTo(new byte[] { 20, 20, 24 }), "the panel starts 8 pixels in");
        Assert.That(bottom, Is.InRange(60, 179), "several lines of text");
        Assert.That(right, Is.EqualTo(319), "long lines are cut at the window's edge");
        Assert.That(text, Is.GreaterThan(500), "text pixels");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void KeysToggleTheDisplayFullscreenSideBySideReloadQualityAndStrength(bool studentInstalled)
    {
        // With the default student installed for the model, fast quality takes its light maps from the student;
        // the side by side and R still concern the model the user runs, never the student in its place.
        string dataHome = Directory.CreateDirectory(_workspace.PathOf("data")).FullName;
        if (studentInstalled)
        {
            string students = Directory.CreateDirectory(Path.Combine(dataHome, "cliplit", "models", "students")).FullName;
            File.Copy(Path.Combine(AppContext.BaseDirectory, "models", "clip-lit-student.onnx"), Path.Combine(students, "clip-lit-student.onnx"));
        }
        // Real key presses (xdotool, through the X server) into the running window.
        string clip = SmallClip();
        string program = Path.Combine(AppContext.BaseDirectory, "cliplit");
        string script = _workspace.PathOf("keys.sh");
        File.WriteAllText(script, $"""
            set -u
            "{program}" live --input "{clip}" --loop --device cpu --model "{SharedData.EnhancementCheckpoint}" \
              --compare "{SharedData.Path("models", "clip-lit", "init_enhancement_model.pth")}" 2>"{_workspace.PathOf("live.err")}" &
            live=$!
            window=$(xdotool search --sync --name ClipLit | head -1)
            xdotool windowfocus --sync "$window"
            # Each key but H says in a line what it did: wait until COUNT such lines are there, 60 s at most, before the next key.
            waitfor() (
              for i in $(seq 1 240); do [ "$(grep -c -- "$1" "{_workspace.PathOf("live.err")}")" -ge "$2" ] && exit 0; sleep 0.25; done
              echo "no line '$1' in 60 s" >&2; exit 1
            )
            xdotool key h f; waitfor '^fullscreen$' 1
            xdotool key b; waitfor '^side by side: ' 1
            # The reload swaps the model in when it is loaded; the new quality takes over at its first light map.
            xdotool key r; waitfor '^model swapped in: ' 1
            xdotool key q; waitfor '^quality now ' 1
            # The correction's strength: up twice (quickly: both taps count), down once.
            xdotool key bracketright bracketright; waitfor '^strength ' 2
            xdotool key bracketleft; waitfor '^strength ' 3
            xdotool key p; waitfor '^screenshot ' 1
            xdotool key Escape
            wait $live
            """);
        var start = new ProcessStartInfo("xvfb-run") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _workspace.Root };
        foreach (string arg in new[] { "-a", "-s", "-screen 0 1600x900x24", "bash", script }) start.ArgumentList.Add(arg);
        start.Environment["CLIPLIT_VULKAN_VALIDATION"] = "1";
        start.Environment["XDG_DATA_HOME"] = dataHome;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        string error = File.ReadAllText(_workspace.PathOf("live.err"));
        TestContext.Out.WriteLine(output + error);

        Assert.That(process.ExitCode, Is.Zero, "window closed with Esc: exit code 0");
        Assert.That(error, Does.Contain("Vulkan validation: 0 errors"));
        var lines = error.Split('\n');
        Assert.That(lines, Has.One.EqualTo("fullscreen"));
        Assert.That(lines, Has.One.EqualTo("side by side: init_enhancement_model.pth | enhancement_model.pth"));
        Assert.That(lines, Has.One.StartsWith("note: reloading ").And.EndsWith("enhancement_model.pth"));
        Assert.That(lines, Has.One.StartsWith("model swapped in: ").And.Contains("enhancement_model.pth"));
        // With a student, full quality starts at once with the student's map of each frame, the teacher's following.
        Assert.That(lines, Has.One.EqualTo(studentInstalled
            ? "quality now full: light maps from student clip-lit-student.onnx at 64x36 (teacher enhancement_model.pth at 320x180 follows)"
            : "quality now full: light maps from teacher enhancement_model.pth at 320x180"));
        Assert.That(lines, Has.None.Contains("was not distilled from"), "the reloaded model is the one the student serves");
        Assert.That(lines.Where(l => l.StartsWith("strength ", StringComparison.Ordinal)), Is.EqualTo(new[] { "strength 1.10", "strength 1.20", "strength 1.10" }), "] and [ step the strength by 0.1");
        Assert.That(lines, Has.One.StartsWith("presented ").And.EndsWith("; strength 1.10"), "the statistics say the strength the run ended at");
        if (studentInstalled) Assert.That(lines, Has.One.StartsWith("fast quality: light maps from student clip-lit-student.onnx"));
        else Assert.That(lines, Has.None.Contains("clip-lit-student.onnx"));
        var shot = Directory.GetFiles(_workspace.Root, "cliplit-*.png").Single();
        var pixels = Pixels(shot);
        Assert.That((pixels.Width, pixels.Height), Is.EqualTo((1600, 900)), "fullscreen on the 1600x900 screen");
        Assert.That(pixels.Rgba.AsSpan(4 * (8 * 1600 + 8), 3).ToArray(), Is.EqualTo(new byte[] { 20, 20, 24 }), "the heads-up display is on");
    }

    [Test]
    public void AWindowedRunShutsDownWithoutValidationErrors()
    {
        // No screenshot: the last frame is still on the GPU when the run ends, and nothing it uses may be freed under it.
        var live = RunInXvfb("live", "--input", SmallClip(), "--frames", "20", "--device", "cpu", "--model", SharedData.EnhancementCheckpoint);
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Contain("Vulkan validation: 0 errors"));
    }

    [Test]
    public void AWindowOfAnotherShapeShowsTheFrameLetterboxed()
    {
        string clip = SmallClip();
        string screenshot = _workspace.PathOf("wide.png");
        var live = RunInXvfb("live", "--input", clip, "--frames", "8", "--screenshot", screenshot, "--window-size", "640x480", "--lockstep", "--device", "cpu", "--model", SharedData.EnhancementCheckpoint);
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
        // The live view keeps to the clip's pace: on a loaded machine (CI runs test projects side by side)
        // it may skip a frame rather than fall behind. Every frame is accounted for, and nearly all shown.
        int skipped = int.Parse(System.Text.RegularExpressions.Regex.Match(result.Error, @"(\d+) skipped to keep pace").Groups[1].Value);
        Assert.That(Statistics(result.Error).Presented + skipped, Is.EqualTo(12), result.Error);
        Assert.That(Statistics(result.Error).Presented, Is.GreaterThanOrEqualTo(10), result.Error);
    }

    [Test]
    public void AStudentRunsAsTheModelAndSideBySideWithThePaperNetwork()
    {
        string clip = SmallClip();
        string student = TestStudents.Write(_workspace.PathOf("student.onnx"));
        var alone = RunInXvfb("live", "--input", clip, "--no-window", "--frames", "8", "--device", "cpu", "--model", student);
        Assert.That(alone.ExitCode, Is.Zero, alone.ToString());
        Assert.That(alone.Error, Does.Contain("Vulkan validation: 0 errors"));
        Assert.That(alone.Error, Does.Contain("light maps from student student.onnx at 64x36"), "a student runs at its own scale");

        var beside = RunInXvfb("live", "--input", clip, "--no-window", "--frames", "8", "--device", "cpu", "--quality", "full",
            "--model", SharedData.EnhancementCheckpoint, "--compare", student, "--side-by-side");
        Assert.That(beside.ExitCode, Is.Zero, beside.ToString());
        Assert.That(beside.Error, Does.Contain("Vulkan validation: 0 errors"));
        Assert.That(beside.Error, Does.Contain("presented 8 frames"));
    }

    [Test]
    public void FullQualityWithAFastModelSaysTheStudentLightsEveryFrame()
    {
        string clip = _workspace.PathOf("cut.mkv");
        VideoTests.Ffmpeg($"-ss 1.7 -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -frames:v 16 -vf scale=320:180 -c:v ffv1 -an \"{clip}\"");
        string student = TestStudents.Write(_workspace.PathOf("student.onnx"));
        var live = RunInXvfb("live", "--input", clip, "--no-window", "--device", "cpu", "--quality", "full",
            "--model", SharedData.EnhancementCheckpoint, "--fast-model", student);
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Contain("Vulkan validation: 0 errors"));
        Assert.That(live.Error, Does.Contain("fast quality: light maps from student student.onnx at 64x36 (in full quality: every frame, correcting the model's slower light map where things moved)"));
        // Every frame shown, or (on a loaded machine) skipped to keep the video's pace: none lost.
        var skipped = System.Text.RegularExpressions.Regex.Match(live.Error, @"(\d+) skipped to keep pace");
        Assert.That(skipped.Success, live.ToString());
        Assert.That(Statistics(live.Error).Presented + int.Parse(skipped.Groups[1].Value), Is.EqualTo(16));
        Assert.That(Statistics(live.Error).Presented, Is.GreaterThanOrEqualTo(8), "most frames shown");
    }

    [Test]
    public void TheNetworkRunsOnTheNewestFrameWithoutHoldingThePictureBack()
    {
        // Full quality at 720p takes seconds per light map here, far slower than 30 frames a second.
        string clip = _workspace.PathOf("second.mp4");
        VideoTests.Ffmpeg($"-i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -t 1 -c copy -an \"{clip}\"");
        var result = Cli.Run(Cli.WithModel("live", "--input", clip, "--no-window", "--quality", "full", "--device", "cpu"));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var (presented, lightMaps, age) = Statistics(result.Error);
        int frames = ClipLit.VideoIO.Video.VideoProbe.Probe(clip).FrameCount;
        int skipped = int.Parse(System.Text.RegularExpressions.Regex.Match(result.Error, @"(\d+) skipped to keep pace").Groups[1].Value);
        Assert.That(presented + skipped, Is.EqualTo(frames), "every frame is shown, or skipped only when late (as a player does)");
        Assert.That(lightMaps, Is.InRange(1, frames / 2), "the network skipped the frames that arrived while it was busy");
        Assert.That(presented, Is.GreaterThan(2 * lightMaps), "the picture does not wait for the network");
        Assert.That(age, Is.GreaterThan(0), "shown light maps are older than their frames");
        // The CPU the run used, the network's busy threads and the decoder included: well above nothing, at most every core.
        var cpu = System.Text.RegularExpressions.Regex.Match(result.Error, @"CPU ([\d.]+) cores \(process and children\), ([\d.]+) ms a shown frame");
        Assert.That(cpu.Success, result.Error);
        double cores = double.Parse(cpu.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        double milliseconds = double.Parse(cpu.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(cores, Is.InRange(0.2, Environment.ProcessorCount + 0.5));
        Assert.That(milliseconds, Is.InRange(1.0, 10_000.0));
    }

    [Test]
    public void LockstepGivesEveryFrameItsOwnLightMap()
    {
        var result = Cli.Run(Cli.WithModel("live", "--input", SmallClip(), "--no-window", "--lockstep", "--device", "cpu"));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Statistics(result.Error), Is.EqualTo((12, 12, 0.0)));
    }

    [Test]
    public async Task HotReloadSwapsInACompletedCheckpointOnceAndSkipsAPartialOne()
    {
        string clip = SmallClip();
        string watched = Directory.CreateDirectory(_workspace.PathOf("checkpoints")).FullName;
        string first = SharedData.Path("models", "clip-lit", "init_enhancement_model.pth");
        var log = new WatchedWriter();
        var live = Task.Run(() => Cli.Run(CancellationToken.None, log, "live", "--input", clip, "--loop", "--no-window", "--frames", "300", "--watch", watched,
            "--model", first, "--device", "cpu"));

        // A trainer writing its next checkpoint: first a file cut short under the final name...
        byte[] checkpoint = await File.ReadAllBytesAsync(SharedData.EnhancementCheckpoint);
        string next = Path.Combine(watched, "epoch_2.pth");
        // The watcher looks at the folder before the first lane starts (files there then are the past): the lane's first line says it runs.
        await Within(live, log.WhenWritten("light maps from"));
        await File.WriteAllBytesAsync(next, checkpoint[..(checkpoint.Length / 2)]);
        await Within(live, log.WhenWritten("note: ignored"));
        // ...then the whole file, written to a temporary name and renamed over it.
        string temporary = Path.Combine(watched, ".epoch_2.pth.tmp");
        await File.WriteAllBytesAsync(temporary, checkpoint);
        File.Move(temporary, next, overwrite: true);

        var result = await live;
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.ErrorLines.Where(l => l.StartsWith("model swapped in:", StringComparison.Ordinal)), Has.Exactly(1).Contains("epoch_2.pth"));
        Assert.That(result.ErrorLines.Where(l => l.StartsWith("note: ignored", StringComparison.Ordinal)), Has.Exactly(1).Contains("epoch_2.pth"));
        Assert.That(result.Error, Does.Contain("models swapped in: 1"));
        Assert.That(Statistics(result.Error).Presented, Is.EqualTo(300), "no frame was dropped");
    }

    [Test]
    public async Task OutputStreamReachesAReceiverOverUdp()
    {
        string clip = SmallClip();
        int port;
        using (var probe = new System.Net.Sockets.UdpClient(0)) port = ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
        string received = _workspace.PathOf("received.mkv");
        var receiverStart = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (string argument in (string[])["-v", "error", "-y", "-analyzeduration", "1000000", "-probesize", "1000000",
                     "-i", $"udp://127.0.0.1:{port}?timeout=15000000", "-frames:v", "10", "-c:v", "ffv1", received])
            receiverStart.ArgumentList.Add(argument);
        using var receiver = Process.Start(receiverStart)!;
        var receiverErrors = receiver.StandardError.ReadToEndAsync();
        // Stream only once the receiver's socket is bound: datagrams sent before it would be lost.
        var patience = Stopwatch.StartNew();
        while (!UdpPortIsBound(port) && !receiver.HasExited && patience.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        Assert.That(UdpPortIsBound(port), $"the receiver listens on UDP port {port}");

        var live = Cli.Run(Cli.WithModel("live", "--input", clip, "--loop", "--no-window", "--frames", "90", "--device", "cpu",
            "--output-stream", $"udp://127.0.0.1:{port}?pkt_size=1316"));
        Assert.That(live.ExitCode, Is.Zero, live.ToString());
        Assert.That(live.Error, Does.Match(@"streamed \d+ frames to udp://"));
        await receiver.WaitForExitAsync();
        Assert.That(receiver.ExitCode, Is.Zero, await receiverErrors);
        var stream = ClipLit.VideoIO.Video.VideoProbe.Probe(received);
        Assert.That((stream.FrameCount, stream.Width, stream.Height), Is.EqualTo((10, 320, 180)), "the receiver decoded frames of the enhanced video");
    }

    /// <summary>Whether a socket is bound to local UDP port <paramref name="port"/>: the kernel's tables (IPv4 and IPv6) list it as ADDRESS:PORT in hex.</summary>
    private static bool UdpPortIsBound(int port)
    {
        string suffix = $":{port:X4}";
        return new[] { "/proc/net/udp", "/proc/net/udp6" }.Where(File.Exists).SelectMany(File.ReadLines)
            .Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var local, ..] && local.EndsWith(suffix, StringComparison.Ordinal));
    }

    [Test]
    public void AnOutputStreamFfmpegCannotOpenIsOneLineAndExitCodeOne()
    {
        var result = Cli.Run(Cli.WithModel("live", "--input", SmallClip(), "--no-window", "--device", "cpu", "--output-stream", "bogus://nowhere"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)), Has.Exactly(1).Contains("bogus://nowhere").And.Contains("output failed"));
    }

    [Test]
    public void ACameraThatGoesAwayIsRetriedAndTheViewGoesOn()
    {
        // FFmpeg's generated test camera, paced in real time, "unplugged" after one second.
        var result = Cli.Run(Cli.WithModel("live", "--camera", "lavfi:testsrc2=size=320x180:rate=30:duration=1", "--no-window", "--frames", "45", "--device", "cpu"));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        // A loaded machine shows the 45 frames more slowly than the camera's second: it may go away more than once.
        int stopped = result.ErrorLines.Count(l => l.Contains("stopped", StringComparison.Ordinal) && l.Contains("retrying", StringComparison.Ordinal));
        Assert.That(stopped, Is.GreaterThanOrEqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Count(l => l.EndsWith("is back", StringComparison.Ordinal)), Is.InRange(stopped - 1, stopped), "every time it went away it came back (but perhaps the last, at the end)");
        Assert.That(Statistics(result.Error).Presented, Is.EqualTo(45), "frames kept coming after the camera returned");
    }

    [Test]
    public void AMissingCameraIsOneLineAndExitCodeOne()
    {
        var result = Cli.Run(Cli.WithModel("live", "--camera", "v4l2:/dev/video-that-is-not-there", "--no-window"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.StartsWith("error: v4l2:/dev/video-that-is-not-there: cannot be opened"));
    }

    [Test]
    public void ACaptureModeIsAskedOfTheDeviceAndRefusedForOtherSources()
    {
        // With a mode, the device is opened with it (and, missing, still fails in one line naming it).
        var missing = Cli.Run(Cli.WithModel("live", "--camera", "/dev/video-that-is-not-there", "--camera-size", "1280x720", "--camera-fps", "30",
            "--camera-format", "mjpeg", "--no-window"));
        Assert.That(missing.ExitCode, Is.EqualTo(1), missing.ToString());
        Assert.That(missing.ErrorLines, Has.One.StartsWith("error: v4l2:/dev/video-that-is-not-there: cannot be opened"));

        var generated = Cli.Run(Cli.WithModel("live", "--camera", "lavfi:testsrc2=size=320x180:rate=30", "--camera-size", "640x360", "--no-window"));
        Assert.That(generated.ExitCode, Is.EqualTo(2), generated.ToString());
        Assert.That(generated.ErrorLines, Has.One.Contains("apply to capture devices"));
        var file = Cli.Run(Cli.WithModel("live", "--input", SmallClip(), "--camera-fps", "30", "--no-window"));
        Assert.That(file.ExitCode, Is.EqualTo(2), file.ToString());
        Assert.That(file.ErrorLines, Has.One.Contains("need --camera"));
    }

    [Test]
    public void CamerasListsDevicesOrSaysThereAreNone()
    {
        var result = Cli.Run("cameras");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        bool any = Directory.Exists("/dev") && Directory.GetFiles("/dev", "video*").Length > 0;
        Assert.That(result.Out, any ? Does.StartWith("/dev/video") : Does.StartWith("no cameras found"));
    }

    [Test]
    public async Task ANetworkStreamIsShownLikeACamera()
    {
        int port;
        using (var probe = new System.Net.Sockets.UdpClient(0)) port = ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
        // -nostdin and a closed stdin: ffmpeg reads keys from stdin ('q' quits), and this one would share the test host's.
        var senderStart = new ProcessStartInfo("ffmpeg",
            $"-nostdin -v error -re -f lavfi -i testsrc2=size=320x180:rate=30:duration=90 -c:v libx264 -preset ultrafast -tune zerolatency -g 15 -f mpegts \"udp://127.0.0.1:{port}?pkt_size=1316\"")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        using var sender = Process.Start(senderStart)!;
        // Drained as it comes: UDP sent while nobody listens is refused, and ffmpeg says so on every packet; an unread
        // pipe fills and the sender stops sending, blocked on its own error output (the stream then never comes).
        var senderErrors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        sender.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && senderErrors.Count < 20) senderErrors.Enqueue(e.Data);
        };
        sender.BeginErrorReadLine();
        try
        {
            // A UDP stream never says it ended: the sender outlasts the run (its MPEG-TS muxer sends in bursts, and a
            // live view keeps only the newest of a burst, so 30 shown frames can take tens of seconds on a loaded machine).
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(80));
            // Its own process, as a user runs it: in the test host, after the whole suite, this run once waited for its first
            // frame past any timeout while it passed alone and beside every other fixture (see the session notes).
            sender.StandardInput.Close();
            var result = await Task.Run(() => RunProgram(timeout.Token, Cli.WithModel("live", "--input", $"udp://127.0.0.1:{port}", "--no-window", "--frames", "30", "--device", "cpu")));
            Assert.That(result.ExitCode, Is.Zero, $"{result}\nthe sender {(sender.HasExited ? $"had exited ({sender.ExitCode})" : "was still sending")}; it said: {string.Join(" / ", senderErrors)}");
            Assert.That(Statistics(result.Error).Presented, Is.EqualTo(30));
        }
        finally
        {
            sender.Kill();
        }
    }

    [Test]
    public void AVirtualCameraThatIsNotThereIsOneLineAndExitCodeOne()
    {
        var result = Cli.Run(Cli.WithModel("live", "--input", SmallClip(), "--no-window", "--device", "cpu", "--virtual-camera", "/dev/video-not-a-loopback"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)), Has.Exactly(1).Contains("/dev/video-not-a-loopback").And.Contains("output failed"));
    }

    /// <summary>(presented, light maps, mean age) from the closing line.</summary>
    /// <summary>Waits for <paramref name="signal"/> (something the run printed); fails if the run ends first or nothing comes for minutes.</summary>
    private static async Task Within(Task<Cli.Result> run, Task signal)
    {
        var first = await Task.WhenAny(signal, run, Task.Delay(TimeSpan.FromMinutes(3)));
        if (first == signal) return;
        Assert.Fail(first == run ? $"the run ended before the awaited line: {run.Result}" : "the awaited line did not come within 3 minutes");
    }

    private static (int Presented, int LightMaps, double Age) Statistics(string error)
    {
        var match = System.Text.RegularExpressions.Regex.Match(error, @"presented (\d+) frames \([\d.]+ fps\); (\d+) light maps \([\d.]+ Hz\), on average ([\d.]+) frames old");
        Assert.That(match.Success, error);
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), double.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test]
    public void AMissingInputIsOneLineAndExitCodeOne()
    {
        string missing = _workspace.PathOf("missing.mp4");
        var result = Cli.Run(Cli.WithModel("live", "--input", missing, "--no-window"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.StartsWith("error: ").And.Contains(missing));
    }

    /// <summary>Runs the built cliplit program as a process of its own; killed (exit 130 reported) when <paramref name="cancellation"/> fires.</summary>
    private static Cli.Result RunProgram(CancellationToken cancellation, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "cliplit")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (cancellation.Register(() => process.Kill(entireProcessTree: true)))
            process.WaitForExit();
        var result = new Cli.Result(cancellation.IsCancellationRequested ? 130 : process.ExitCode, output.Result, error.Result);
        TestContext.Out.WriteLine($"cliplit {string.Join(' ', args)}\n{result}");
        return result;
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

    /// <summary>
    /// A 320x180 screenshot split at the middle: channel values that differ from <paramref name="left"/>
    /// left of the 2-pixel divider (columns 158-159), divider values that are not white, and values that
    /// differ from <paramref name="right"/> right of it.
    /// </summary>
    private static (int Left, int Divider, int Right) HalvesDiffering(byte[] shown, byte[] left, byte[] right)
    {
        int differentLeft = 0, notWhite = 0, differentRight = 0;
        for (int y = 0; y < 180; y++)
            for (int x = 0; x < 320; x++)
                for (int c = 0; c < 3; c++)
                {
                    int i = 4 * (y * 320 + x) + c;
                    if (x < 158 && shown[i] != left[i]) differentLeft++;
                    if (x is 158 or 159 && shown[i] != 255) notWhite++;
                    if (x >= 160 && shown[i] != right[i]) differentRight++;
                }
        return (differentLeft, notWhite, differentRight);
    }

    private static (byte[] Rgba, int Width, int Height) Pixels(string path)
    {
        using var image = Image.Load<Rgba32>(path);
        var bytes = new byte[4 * image.Width * image.Height];
        image.CopyPixelDataTo(bytes);
        return (bytes, image.Width, image.Height);
    }
}
