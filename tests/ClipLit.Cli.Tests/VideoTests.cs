using System.Diagnostics;
using ClipLit.Core.Files;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Tests;

/// <summary>
/// Videos through the command line: every frame and timestamp kept, audio and subtitles copied,
/// rotation honoured, odd sizes and high bit depths accepted, and each kind of bad input failing
/// alone with one line and nothing broken under the output's name.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class VideoTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    private static string SharedClip => SharedData.Path("data", "video", "backlit_720p30.mp4");

    /// <summary>A clip cut from the shared one with extra ffmpeg arguments (fast start, so it can be cut short).</summary>
    private string Clip(string name, string arguments, string seconds = "0.5")
    {
        string path = _workspace.PathOf(name);
        Ffmpeg($"-i \"{SharedClip}\" -t {seconds} {arguments} \"{path}\"");
        return path;
    }

    [Test]
    public void ClipKeepsEveryFrameTimestampAndAudio()
    {
        string input = Clip("clip.mp4", "-c:v libx264 -preset ultrafast -c:a copy -movflags +faststart", "1");
        string output = _workspace.PathOf("out/clip.mp4");
        var result = Cli.Run(Cli.WithModel("enhance", input, "-o", output, "--quality", "fast", "--preset", "ultrafast"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var source = VideoProbe.Probe(input);
        var enhanced = VideoProbe.Probe(output);
        Assert.That(enhanced.FrameTimestamps, Is.EqualTo(source.FrameTimestamps));
        Assert.That(enhanced.AudioStreams, Is.EqualTo(1));
        Assert.That((enhanced.Width, enhanced.Height), Is.EqualTo((1280, 720)));
        Assert.That(enhanced.CodecName, Is.EqualTo("h264"));
        Assert.That(_workspace.PartialFiles(), Is.Empty);
    }

    [Test]
    public void ContainersClipLitOnlyReadsAreEnhancedIntoOnesItWrites()
    {
        // A recorder's MPEG transport stream and a camcorder's .MTS (the same container): read as video, not refused as photos.
        Directory.CreateDirectory(_workspace.PathOf("in"));
        string recording = TestClips.Make(_workspace.PathOf("in/rec.ts"), new ClipCut(Seconds: 1));
        File.Copy(recording, _workspace.PathOf("in/cam.MTS"));
        var source = VideoProbe.Probe(recording);

        // Named explicitly: written as asked.
        string named = _workspace.PathOf("rec.mp4");
        var single = Cli.Run(Cli.WithModel("enhance", recording, "-o", named, "--quality", "fast", "--preset", "ultrafast"));
        Assert.That(single.ExitCode, Is.EqualTo(0), single.ToString());
        // Into a folder: each keeps its name, in Matroska (ClipLit does not write transport streams).
        var folder = Cli.Run(Cli.WithModel("enhance", _workspace.PathOf("in"), "-o", _workspace.PathOf("out") + "/", "--quality", "fast", "--preset", "ultrafast"));
        Assert.That(folder.ExitCode, Is.EqualTo(0), folder.ToString());
        Assert.That(Directory.GetFiles(_workspace.PathOf("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "cam.mkv", "rec.mkv" }));
        foreach (string output in new[] { named, _workspace.PathOf("out/rec.mkv"), _workspace.PathOf("out/cam.mkv") })
        {
            var enhanced = VideoProbe.Probe(output);
            Assert.That(enhanced.FrameTimestamps, Has.Count.EqualTo(source.FrameTimestamps.Count).And.Count.EqualTo(30), output);
            Assert.That(enhanced.AudioStreams, Is.EqualTo(1), $"{output}: the audio copied");
        }

        // A container ClipLit does not write, named as the output: one usage line.
        var refused = Cli.Run(Cli.WithModel("enhance", recording, "-o", _workspace.PathOf("again.ts")));
        Assert.That(refused.ExitCode, Is.EqualTo(2));
        Assert.That(refused.ErrorLines, Is.EqualTo(new[]
        {
            $"usage error: enhance: output {_workspace.PathOf("again.ts")} has no photo or video extension ClipLit writes (.png, .jpg, .bmp, .tif, .webp, .mp4, .m4v, .mov, .mkv, .webm, .avi); end it with '/' to make it a folder",
        }));
        Assert.That(File.Exists(_workspace.PathOf("again.ts")), Is.False);
        Assert.That(_workspace.PartialFiles(), Is.Empty);
    }

    [Test]
    public void VariableFrameRateTimestampsSurvive()
    {
        // Keep frames 0, 3, 5, 6, 9, 10, 12...: irregular gaps, original timestamps.
        string input = Clip("vfr.mkv", "-vf \"select='not(mod(n,3))+not(mod(n,5))'\" -fps_mode vfr -c:v libx264 -preset ultrafast -an", "1");
        var source = VideoProbe.Probe(input);
        Assert.That(source.IsVariableFrameRate, "the fixture is variable frame rate");
        string output = _workspace.PathOf("vfr_out.mkv");
        Assert.That(Cli.Run(Cli.WithModel("enhance", input, "-o", output, "--preset", "ultrafast")).ExitCode, Is.EqualTo(0));
        var enhanced = VideoProbe.Probe(output);
        Assert.That(enhanced.FrameCount, Is.EqualTo(source.FrameCount));
        // Matroska stores milliseconds.
        Assert.That(enhanced.FrameTimestamps.Zip(source.FrameTimestamps).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1000));
    }

    [Test]
    public void RotationIsHonoured()
    {
        string input = Clip("rotated.mp4", "-c copy -an -metadata:s:v:0 rotate=90");
        var source = VideoProbe.Probe(input);
        Assert.That((source.Width, source.Height), Is.EqualTo((720, 1280)), "displayed upright");
        string output = _workspace.PathOf("rotated_out.mp4");
        Assert.That(Cli.Run(Cli.WithModel("enhance", input, "-o", output, "--preset", "ultrafast")).ExitCode, Is.EqualTo(0));
        var enhanced = VideoProbe.Probe(output);
        Assert.That((enhanced.Width, enhanced.Height), Is.EqualTo((720, 1280)), "the output displays the same way");
    }

    [Test]
    public void OddSizeTenBitSourceWithSubtitlesIsAccepted()
    {
        string subtitles = _workspace.PathOf("subs.srt");
        File.WriteAllText(subtitles, "1\n00:00:00,000 --> 00:00:00,400\nbacklit\n");
        string input = _workspace.PathOf("odd.mkv");
        Ffmpeg($"-i \"{SharedClip}\" -i \"{subtitles}\" -t 0.5 -map 0:v -map 0:a -map 1 -vf scale=1279:719 -pix_fmt yuv444p10le -c:v libx264 -preset ultrafast -c:a copy -c:s srt \"{input}\"");
        var source = VideoProbe.Probe(input);
        Assert.That(source.BitsPerChannel, Is.EqualTo(10));
        string output = _workspace.PathOf("odd_out.mkv");
        var result = Cli.Run(Cli.WithModel("enhance", input, "-o", output, "--preset", "ultrafast"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var enhanced = VideoProbe.Probe(output);
        Assert.That(enhanced.FrameCount, Is.EqualTo(source.FrameCount));
        Assert.That((enhanced.Width, enhanced.Height), Is.EqualTo((1280, 720)), "4:2:0 needs even sizes: padded by one pixel");
        Assert.That(enhanced.SubtitleStreams, Is.EqualTo(1));
        Assert.That(enhanced.AudioStreams, Is.EqualTo(1));
    }

    [Test]
    public void OneFrameVideoAndWebmWork()
    {
        string input = Clip("one.webm", "-frames:v 1 -c:v libvpx-vp9 -an");
        string output = _workspace.PathOf("one_out.webm");
        Assert.That(Cli.Run(Cli.WithModel("enhance", input, "-o", output)).ExitCode, Is.EqualTo(0));
        var enhanced = VideoProbe.Probe(output);
        Assert.That(enhanced.FrameCount, Is.EqualTo(1));
        Assert.That(enhanced.CodecName, Is.EqualTo("vp9"));
    }

    [Test]
    public void CutShortVideoKeepsItsDecodablePartUnderAPartialName()
    {
        string whole = Clip("whole.mp4", "-c:v libx264 -preset ultrafast -g 5 -an -movflags +faststart", "1");
        byte[] bytes = File.ReadAllBytes(whole);
        string cut = _workspace.Write("cut.mp4", bytes[..(bytes.Length * 6 / 10)]);
        string output = _workspace.PathOf("cut_out.mp4");

        var result = Cli.Run(Cli.WithModel("enhance", cut, "-o", output, "--preset", "ultrafast"));

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
            Does.Contain(cut).And.Contain("frames could be decoded").And.Contain("cut_out.partial.mp4"));
        Assert.That(File.Exists(output), Is.False, "nothing incomplete under the final name");
        var partial = VideoProbe.Probe(_workspace.PathOf("cut_out.partial.mp4"));
        Assert.That(partial.FrameCount, Is.InRange(1, 29));
    }

    private static IEnumerable<TestCaseData> BadVideos()
    {
        yield return new TestCaseData("empty.mp4", "", "empty file (0 bytes)").SetName("ZeroByteVideo");
        yield return new TestCaseData("audio.mp4", "-vn -c:a copy", "has no video stream (audio only)").SetName("AudioOnly");
        yield return new TestCaseData("noise.mkv", "garbage", "not a video file ffprobe can read").SetName("NotAVideo");
        yield return new TestCaseData("headless.mp4", "cut-without-index", "not a video file ffprobe can read").SetName("TruncatedWithoutIndex");
    }

    [TestCaseSource(nameof(BadVideos))]
    public void BadVideoFailsAloneWithOneLine(string name, string recipe, string problem)
    {
        string bad = recipe switch
        {
            "" => _workspace.Write(name, []),
            "garbage" => _workspace.Write(name, Enumerable.Range(0, 5000).Select(i => (byte)(i * 37)).ToArray()),
            "cut-without-index" => _workspace.Write(name, File.ReadAllBytes(Clip("indexed_last.mp4", "-c:v libx264 -preset ultrafast -an"))[..20000]),
            _ => Clip(name, recipe),
        };
        string good = _workspace.Photo("good.png");
        string output = _workspace.PathOf("out") + "/";

        var result = Cli.Run(Cli.WithModel("enhance", bad, good, "-o", output));

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)), Does.Contain(bad).And.Contain(problem));
        Assert.That(File.Exists(Path.Combine(output, "good.png")), "the rest of the batch is processed");
        Assert.That(File.Exists(Path.Combine(output, name)), Is.False);
        Assert.That(_workspace.PartialFiles(), Is.Empty);
    }

    [Test]
    public void ExistingOutputIsRefusedUnlessOverwrite()
    {
        string input = Clip("clip.mp4", "-frames:v 2 -c:v libx264 -preset ultrafast -an");
        string output = _workspace.PathOf("exists.mp4");
        File.WriteAllText(output, "an earlier result");

        var refused = Cli.Run(Cli.WithModel("enhance", input, "-o", output));
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain("already exists (use --overwrite"));
        Assert.That(File.ReadAllText(output), Is.EqualTo("an earlier result"));

        Assert.That(Cli.Run(Cli.WithModel("enhance", input, "-o", output, "--overwrite")).ExitCode, Is.EqualTo(0));
        Assert.That(VideoProbe.Probe(output).FrameCount, Is.EqualTo(2));

        var same = Cli.Run(Cli.WithModel("enhance", input, "-o", input, "--overwrite"));
        Assert.That(same.Error, Does.Contain("is the input itself"));
    }

    [Test]
    public void MissingFfmpegSaysHowToInstallIt()
    {
        string input = Clip("clip.mp4", "-frames:v 2 -c:v libx264 -preset ultrafast -an");
        string? path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", Directory.CreateDirectory(_workspace.PathOf("empty-bin")).FullName);
            var result = Cli.Run(Cli.WithModel("enhance", input, "-o", _workspace.PathOf("out.mp4")));
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
                Does.Contain(input).And.Contain("ffprobe not found on PATH").Or.Contain("ffmpeg not found on PATH").And.Contain("apt-get install ffmpeg"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Test]
    public void CancellingAVideoLeavesNothingBehind()
    {
        string input = Clip("long.mp4", "-c:v libx264 -preset ultrafast -c:a copy", "4");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var result = Cli.Run(cancellation.Token, Cli.WithModel("enhance", input, "-o", _workspace.PathOf("out.mp4"), "--quality", "full"));
        Assert.That(result.ExitCode, Is.EqualTo(130), result.ToString());
        Assert.That(File.Exists(_workspace.PathOf("out.mp4")), Is.False);
        Assert.That(Directory.GetFiles(_workspace.Root, "*", SearchOption.AllDirectories).Where(f => f.Contains(".partial")), Is.Empty);
    }

    [Test]
    public void AKilledRunsTemporaryIsRemovedByTheNextRun()
    {
        string input = Clip("small.mp4", "-vf scale=320:180,fps=10 -c:v libx264 -preset ultrafast -an", "2");
        string folder = _workspace.PathOf("out");
        string[] arguments = Cli.WithModel("enhance", input, "-o", folder + "/", "--quality", "fast", "--preset", "ultrafast");

        // The built app as a child process, killed with SIGKILL (it and its ffmpeg) once its temporary exists.
        var start = new ProcessStartInfo(SiblingAppChecks.Cliplit) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        string temporary;
        int pid;
        using (var child = Process.Start(start)!)
        {
            pid = child.Id;
            child.OutputDataReceived += (_, e) => { if (e.Data is not null) TestContext.Out.WriteLine("child: " + e.Data); };
            child.ErrorDataReceived += (_, e) => { if (e.Data is not null) TestContext.Out.WriteLine("child: " + e.Data); };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            try
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
                string[] found = [];
                while (!child.HasExited && DateTime.UtcNow < deadline
                       && (found = Directory.Exists(folder) ? Directory.GetFiles(folder, ".small.mp4.*.partial") : []).Length == 0)
                    Thread.Sleep(10);
                Assert.That(found, Has.Length.EqualTo(1), "the run was writing its temporary when it was to be killed");
                temporary = found[0];
            }
            finally
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
                child.WaitForExit();
            }
        }
        Assert.That(File.Exists(temporary), "a killed run leaves its temporary behind");
        Assert.That(File.Exists(Path.Combine(folder, "small.mp4")), Is.False);
        Assert.That(TemporaryName.Parse(Path.GetFileName(temporary))?.Writer.Id, Is.EqualTo(pid), "the temporary names the process that wrote it");

        var result = Cli.Run(arguments);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.ErrorLines, Has.One.EqualTo(
            $"note: removed stale temporary {temporary} (left by process {pid} of this host, which no longer holds it)"));
        Assert.That(File.Exists(temporary), Is.False);
        Assert.That(_workspace.PartialFiles(), Is.Empty);
        Assert.That(VideoProbe.Probe(Path.Combine(folder, "small.mp4")).FrameTimestamps, Is.EqualTo(VideoProbe.Probe(input).FrameTimestamps), "the output is complete");
    }

    internal static void Ffmpeg(string arguments)
    {
        // One string as the tests write it, split as a shell would (quoted paths stay whole); killed and retried once if it hangs.
        var result = ChildProcess.RunFfmpeg(["-v", "error", "-y", .. SplitArguments(arguments)], TimeSpan.FromSeconds(90));
        Assert.That(result.ExitCode, Is.Zero, $"ffmpeg {arguments}: {result}");
    }

    private static IEnumerable<string> SplitArguments(string arguments) =>
        System.Text.RegularExpressions.Regex.Matches(arguments, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
}
