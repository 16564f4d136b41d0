using System.Text.Json.Nodes;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Tests;

/// <summary>
/// <c>cliplit job</c> on one machine, with real videos: a job's shards run one by one and joined
/// are the video <c>enhance</c> makes with the same options (timestamps and audio exactly, every
/// frame at least 50 dB); the join refuses while a shard is missing, a shard killed on this host
/// reads as missing, and a damaged manifest or a changed input is refused with one clear line.
/// </summary>
[TestFixture]
public sealed class JobTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    /// <summary>The shared clip at 320x180 for 3 s (a cut at 2 s, audio): 90 frames.</summary>
    private string Clip(string name = "clip.mp4")
    {
        string clip = _workspace.PathOf(name);
        VideoTests.Ffmpeg($"-v error -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -t 3 -vf scale=320:180 -c:v libx264 -preset ultrafast -c:a copy \"{clip}\"");
        return clip;
    }

    // Lossless (CRF 0): parts are encoded apart, and a lossy encoder's choices differ between runs; lossless, the comparison is the engine's frames.
    private static readonly string[] Lossless = ["--crf", "0", "--preset", "ultrafast"];

    private Cli.Result Create(string clip, string output, string job, int shards, params string[] more) =>
        Cli.Run(Cli.WithModel(["job", "create", clip, "-o", output, "--dir", job, "--shards", $"{shards}", .. Lossless, .. more]));

    [Test]
    public void ShardsRunOneByOneAndJoinedAreTheVideoEnhanceMakes()
    {
        string clip = Clip(), job = _workspace.PathOf("job"), joined = _workspace.PathOf("out/joined.mp4"), whole = _workspace.PathOf("whole.mp4");
        // A strength other than the paper's: the manifest keeps it, and every shard corrects with it.
        var create = Create(clip, joined, job, 3, "--strength", "0.7");
        Assert.That(create.ExitCode, Is.EqualTo(0), create.ToString());
        Assert.That(create.Out.Trim(), Is.EqualTo(job));
        Assert.That(File.ReadAllText(Path.Combine(job, "manifest.json")), Does.Contain("\"--strength\"").And.Contain("\"0.7\""));

        Assert.That(Cli.Run("job", "run", job, "--shard", "0", "-q").ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("job", "run", job, "--shard", "2", "-q").ExitCode, Is.EqualTo(0));
        var refused = Cli.Run("job", "join", job);
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.ErrorLines, Is.EqualTo(new[] { $"error: {job}: 1 of 3 shards are not done, nothing joined:", "shard 1: missing: not run yet" }));
        Assert.That(File.Exists(joined), Is.False);
        var status = Cli.Run("job", "status", job);
        Assert.That(status.Out, Does.Contain("shard 0: done: ").And.Contain("shard 1: missing: not run yet").And.Contain("1 missing, 0 running, 0 failed, 2 done of 3 shards"));

        // The scheduler's variable names the shard; a done shard is skipped.
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", "1");
        try
        {
            Assert.That(Cli.Run("job", "run", job, "-q").ExitCode, Is.EqualTo(0));
            var again = Cli.Run("job", "run", job);
            Assert.That(again.ExitCode, Is.EqualTo(0));
            Assert.That(again.ErrorLines.Last(), Does.StartWith("shard 1: already done"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", null);
        }
        var join = Cli.Run("job", "join", job);
        Assert.That(join.ExitCode, Is.EqualTo(0), join.ToString());
        Assert.That(_workspace.PartialFiles(), Is.Empty);

        var enhance = Cli.Run(Cli.WithModel(["enhance", clip, "-o", whole, "--quality", "fast", "--strength", "0.7", "-q", .. Lossless]));
        Assert.That(enhance.ExitCode, Is.EqualTo(0), enhance.ToString());
        Assert.That(VideoProbe.Probe(joined).FrameCount, Is.EqualTo(90));
        Assert.That(AudioMd5(joined), Is.EqualTo(AudioMd5(clip)).And.EqualTo(AudioMd5(whole)));
        VideoComparison.AssertSameAsSingleRun(whole, joined, "the joined video");
    }

    [Test]
    public void AShardKilledOnThisHostReadsAsMissingAndAFailedOneShowsItsError()
    {
        string clip = Clip(), job = _workspace.PathOf("job");
        Assert.That(Create(clip, _workspace.PathOf("out.mp4"), job, 2, "-q").ExitCode, Is.EqualTo(0));
        // What a worker killed with SIGKILL leaves: its running marker, and a lock nobody holds.
        using (var gone = System.Diagnostics.Process.Start("true")!)
        {
            gone.WaitForExit();
            Directory.CreateDirectory(Path.Combine(job, "shards", "0"));
            File.WriteAllText(Path.Combine(job, "shards", "0", "running.json"),
                new JsonObject { ["Host"] = Environment.MachineName, ["ProcessId"] = gone.Id, ["At"] = DateTimeOffset.UtcNow, ["Detail"] = "" }.ToJsonString());
        }
        // The input's content changes after create, its size does not: its checksum tells, and the shard refuses it.
        using (var stream = new FileStream(clip, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            int value = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(value ^ 0xFF));
        }
        var run = Cli.Run("job", "run", job, "--shard", "1");
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.ErrorLines.Last(), Is.EqualTo($"error: shard 1: {clip}: the input changed since the job was created (its SHA-256 differs)"));
        // A size change is refused before reading the whole file.
        File.AppendAllText(clip, "changed");
        Assert.That(Cli.Run("job", "run", job, "--shard", "1").ErrorLines.Last(),
            Is.EqualTo($"error: shard 1: {clip}: the input changed since the job was created ({new FileInfo(clip).Length} bytes, {new FileInfo(clip).Length - 7} then)"));
        var status = Cli.Run("job", "status", job).Out;
        Assert.That(status, Does.Contain($"shard 0: missing: its worker (on {Environment.MachineName}, pid ").And.Contain(" stopped without finishing (killed?)"));
        Assert.That(status, Does.Contain($"shard 1: failed: {clip}: the input changed since the job was created"));
    }

    [Test]
    public void ADamagedManifestIsRefusedWithOneLine()
    {
        string clip = Clip(), job = _workspace.PathOf("job");
        Assert.That(Create(clip, _workspace.PathOf("out.mp4"), job, 2, "-q").ExitCode, Is.EqualTo(0));
        string manifest = Path.Combine(job, "manifest.json");

        File.WriteAllText(manifest, File.ReadAllText(manifest)[..100]);
        var truncated = Cli.Run("job", "run", job, "--shard", "0");
        Assert.That(truncated.ExitCode, Is.EqualTo(1));
        Assert.That(truncated.ErrorLines.Single(), Does.StartWith($"error: {manifest}: not a valid job manifest ("));

        Assert.That(Create(clip, _workspace.PathOf("out.mp4"), _workspace.PathOf("job2"), 2, "-q").ExitCode, Is.EqualTo(0));
        string second = Path.Combine(_workspace.PathOf("job2"), "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(second))!;
        json["shards"]![1]!["parts"]![0]!["start"] = 5; // a gap: frames the job would never enhance
        File.WriteAllText(second, json.ToJsonString());
        var gap = Cli.Run("job", "join", _workspace.PathOf("job2"));
        Assert.That(gap.ExitCode, Is.EqualTo(1));
        Assert.That(gap.ErrorLines.Single(), Does.StartWith($"error: {second}: not a valid job manifest (input 0's part 5.."));

        var none = Cli.Run("job", "status", _workspace.PathOf("nowhere"));
        Assert.That(none.ErrorLines.Single(), Is.EqualTo($"error: {_workspace.PathOf("nowhere")}: no such job folder"));
    }

    [Test]
    public void CreateRefusesWhatAJobCannotTake()
    {
        string clip = Clip(), photo = _workspace.Photo("photo.png"), job = _workspace.PathOf("job");
        var create = Cli.Run(Cli.WithModel(["job", "create", clip, photo, "-o", _workspace.PathOf("out") + "/", "--dir", job, "--shards", "2", "-q"]));
        Assert.That(create.ExitCode, Is.EqualTo(1), "the photo is refused, the video planned");
        Assert.That(create.ErrorLines, Is.EqualTo(new[] { $"error: {photo}: a job takes video files (enhance photos with 'cliplit enhance')" }));
        Assert.That(File.Exists(Path.Combine(job, "manifest.json")), Is.True);

        var again = Cli.Run(Cli.WithModel(["job", "create", clip, "-o", _workspace.PathOf("x.mp4"), "--dir", job, "-q"]));
        Assert.That(again.ErrorLines.Single(), Is.EqualTo($"error: {job}: already holds a job (its manifest.json); pick another folder or delete it"));

        var noShard = Cli.Run("job", "run", job);
        Assert.That(noShard.ExitCode, Is.EqualTo(2));
        Assert.That(noShard.Error, Does.Contain("give --shard K (no $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX set by a scheduler)"));
    }

    [Test]
    public void SubmitToKubernetesWritesTheManifestsAndSaysHowToApplyThem()
    {
        string clip = Clip(), job = _workspace.PathOf("job");
        Assert.That(Create(clip, _workspace.PathOf("out.mp4"), job, 3, "-q").ExitCode, Is.EqualTo(0));
        var refused = Cli.Run("job", "submit", job, "--kubernetes");
        Assert.That(refused.ExitCode, Is.EqualTo(2));
        Assert.That(refused.Error, Does.Contain("--kubernetes needs --image IMAGE"));

        var submit = Cli.Run("job", "submit", job, "--kubernetes", "--image", "registry.example/cliplit:1", "--parallelism", "2");
        Assert.That(submit.ExitCode, Is.EqualTo(0), submit.ToString());
        string shards = Path.Combine(job, "kubernetes", "shards.yaml");
        Assert.That(submit.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            $"kubectl apply -f {shards}",
            "kubectl wait --for=condition=complete job/job-shards --timeout=24h",
            $"kubectl apply -f {Path.Combine(job, "kubernetes", "join.yaml")}",
        }));
        string yaml = File.ReadAllText(shards);
        Assert.That(yaml, Does.Contain("completions: 3").And.Contain("parallelism: 2").And.Contain("completionMode: Indexed").And.Contain("registry.example/cliplit:1"));
    }

    private static string AudioMd5(string path) =>
        ChildProcess.Run("ffmpeg", "-v", "error", "-i", path, "-map", "0:a", "-c", "copy", "-f", "md5", "-").Out.Trim();
}
