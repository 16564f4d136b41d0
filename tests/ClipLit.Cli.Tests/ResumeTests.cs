using System.Diagnostics;
using System.Text.Json.Nodes;
using ClipLit.Jobs.Videos;
using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>
/// <c>enhance --resume</c>: the built app killed with SIGKILL in the middle of a video leaves its
/// finished shards; the same command again continues from them and gives the video a plain
/// <c>enhance</c> gives (timestamps exactly, every frame at least 50 dB), and removes its state.
/// The state is reused only when everything that decides a frame is the same: another model
/// (same path, other content), an input rewritten with its size and time kept, or a damaged state
/// each start over with a note saying why.
/// </summary>
[TestFixture]
[NonParallelizable] // sets an environment variable the in-process run reads
public sealed class ResumeTests
{
    private const string ShardFrames = "CLIPLIT_RESUME_FRAMES_PER_SHARD";

    [Test]
    public void AKilledRunContinuesFromItsLastFinishedShard()
    {
        using var workspace = new Workspace();
        string clip = workspace.PathOf("clip.mp4"), output = workspace.PathOf("out.mp4"), plain = workspace.PathOf("plain.mp4");
        VideoTests.Ffmpeg($"-v error -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -t 3 -vf scale=320:180 -c:v libx264 -preset ultrafast -c:a copy \"{clip}\"");
        string[] options = ["--quality", "full", "--crf", "0", "--preset", "ultrafast", "--model", SharedData.EnhancementCheckpoint];
        string state = ResumableVideo.StateFolder(output);

        var start = new ProcessStartInfo(SiblingAppChecks.Cliplit) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in (string[])["enhance", clip, "-o", output, "--resume", .. options]) start.ArgumentList.Add(argument);
        start.Environment[ShardFrames] = "30";
        using (var first = Process.Start(start)!)
        {
            first.BeginErrorReadLine();
            first.BeginOutputReadLine();
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(state, "shards", "0", "done.json")) && !first.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(100);
            Assert.That(first.HasExited, Is.False, "the first run must still be running when its first shard is done");
            first.Kill(); // SIGKILL: no chance to clean up
            first.WaitForExit();
        }
        Assert.That(File.Exists(output), Is.False);

        Environment.SetEnvironmentVariable(ShardFrames, "30");
        Cli.Result second;
        try
        {
            second = Cli.Run(["enhance", clip, "-o", output, "--resume", .. options]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ShardFrames, null);
        }
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(second.Error, Does.Match(@"note: resuming .*clip\.mp4: [123] of 3 shards already done"));
        Assert.That(Directory.Exists(state), Is.False, "the state goes once the output is complete");
        Assert.That(workspace.PartialFiles(), Is.Empty);

        Assert.That(Cli.Run(["enhance", clip, "-o", plain, "-q", .. options]).ExitCode, Is.EqualTo(0));
        VideoComparison.AssertSameAsSingleRun(plain, output, "the resumed video");
    }

    /// <summary>Runs enhance --resume in process (shards of 30 frames) until its first shard is done, then stops it as Ctrl+C does: its state stays.</summary>
    private static void LeaveState(string clip, string output, string[] options)
    {
        string done = Path.Combine(ResumableVideo.StateFolder(output), "shards", "0", "done.json");
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && !File.Exists(done)) await Task.Delay(20);
            await stop.CancelAsync();
        });
        var first = WithShardsOf30(() => Cli.Run(stop.Token, ["enhance", clip, "-o", output, "--resume", .. options]));
        stop.Cancel();
        watcher.Wait();
        Assert.That(first.ExitCode, Is.EqualTo(130), first.ToString());
        Assert.That(File.Exists(done), "the first shard is kept");
    }

    private static Cli.Result WithShardsOf30(Func<Cli.Result> run)
    {
        Environment.SetEnvironmentVariable(ShardFrames, "30");
        try
        {
            return run();
        }
        finally
        {
            Environment.SetEnvironmentVariable(ShardFrames, null);
        }
    }

    [Test]
    public void AnotherModelUnderTheSameNameStartsOver()
    {
        using var workspace = new Workspace();
        string clip = TestClips.Cut(workspace.PathOf("clip.mp4"), seconds: 2), output = workspace.PathOf("out.mp4"), plain = workspace.PathOf("plain.mp4");
        // The default model ($CLIPLIT_MODEL): a file whose content changes between the two runs, its path does not.
        string model = workspace.PathOf("model.pth");
        File.Copy(SharedData.EnhancementCheckpoint, model);
        string[] options = ["--quality", "full", "--crf", "0", "--preset", "ultrafast"];
        Environment.SetEnvironmentVariable("CLIPLIT_MODEL", model);
        try
        {
            LeaveState(clip, output, options);
            File.Copy(SharedData.InitialEnhancementCheckpoint, model, overwrite: true);

            var second = WithShardsOf30(() => Cli.Run(["enhance", clip, "-o", output, "--resume", .. options]));

            Assert.That(second.ExitCode, Is.Zero, second.ToString());
            Assert.That(second.ErrorLines, Has.One.Match(@"^note: starting .*clip\.mp4 over: the resume state in .* cannot be used \(the model changed \(its SHA-256 differs\)\)$"));
            Assert.That(Cli.Run(["enhance", clip, "-o", plain, "-q", .. options]).ExitCode, Is.Zero);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLIPLIT_MODEL", null);
        }
        VideoComparison.AssertSameAsSingleRun(plain, output, "a resumed run after the model changed: all of it from the new model");
    }

    [Test]
    public void AnotherStrengthStartsOverAndTheSameOneGoesOn()
    {
        using var workspace = new Workspace();
        string clip = TestClips.Cut(workspace.PathOf("clip.mp4"), seconds: 2), output = workspace.PathOf("out.mp4"), plain = workspace.PathOf("plain.mp4");
        string[] options = ["--quality", "full", "--crf", "0", "--preset", "ultrafast", "--model", SharedData.EnhancementCheckpoint];
        LeaveState(clip, output, [.. options, "--strength", "0.7"]);

        // The resume state keeps the strength with the other options: another one cannot use it.
        var other = WithShardsOf30(() => Cli.Run(["enhance", clip, "-o", output, "--resume", .. options, "--strength", "0.5"]));
        Assert.That(other.ExitCode, Is.Zero, other.ToString());
        Assert.That(other.ErrorLines, Has.One.Match(@"^note: starting .*clip\.mp4 over: the resume state in .* cannot be used \(it was made with other options\)$"));
        Assert.That(Cli.Run(["enhance", clip, "-o", plain, "-q", .. options, "--strength", "0.5"]).ExitCode, Is.Zero);
        VideoComparison.AssertSameAsSingleRun(plain, output, "a resumed run with another strength: all of it at the new strength");
    }

    [Test]
    public void AnInputRewrittenWithItsSizeAndTimeKeptStartsOver()
    {
        using var workspace = new Workspace();
        // Three shards of 30 frames: the run is stopped after the first, with two to go.
        string clip = TestClips.Cut(workspace.PathOf("clip.mp4"), seconds: 3), output = workspace.PathOf("out.mp4");
        string[] options = ["--quality", "full", "--crf", "0", "--preset", "ultrafast", "--model", SharedData.EnhancementCheckpoint];
        LeaveState(clip, output, options);
        // Another file under the same name, size and time (one that still decodes: a letter of the muxer's name in its metadata changed).
        var written = File.GetLastWriteTimeUtc(clip);
        byte[] bytes = File.ReadAllBytes(clip);
        int at = bytes.AsSpan().IndexOf("Lavf"u8);
        Assert.That(at, Is.GreaterThan(0), "ffmpeg names itself in the file's metadata");
        bytes[at] = (byte)'M';
        File.WriteAllBytes(clip, bytes);
        File.SetLastWriteTimeUtc(clip, written);

        var second = WithShardsOf30(() => Cli.Run(["enhance", clip, "-o", output, "--resume", .. options]));

        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(second.ErrorLines, Has.One.Match(@"^note: starting .*clip\.mp4 over: .*the input changed since the job was created \(its SHA-256 differs\)\)$"));
        Assert.That(File.Exists(output));
    }

    [Test]
    public void ADamagedResumeStateStartsOverWithANote()
    {
        using var workspace = new Workspace();
        // Three shards of 30 frames: the run is stopped after the first, with two to go.
        string clip = TestClips.Cut(workspace.PathOf("clip.mp4"), seconds: 3), output = workspace.PathOf("out.mp4");
        string[] options = ["--quality", "full", "--crf", "0", "--preset", "ultrafast", "--model", SharedData.EnhancementCheckpoint];
        LeaveState(clip, output, options);
        string manifest = Path.Combine(ResumableVideo.StateFolder(output), "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["inputs"] = new JsonArray((JsonNode?)null);
        File.WriteAllText(manifest, json.ToJsonString());

        var second = WithShardsOf30(() => Cli.Run(["enhance", clip, "-o", output, "--resume", .. options]));

        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(second.ErrorLines, Has.One.Match(@"^note: starting .*clip\.mp4 over: .*not a valid job manifest \(input 0: null\)\)$"));
        Assert.That(File.Exists(output));
    }
}
