using System.Diagnostics;
using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>
/// <c>cliplit job submit --slurm</c> on a real single-node Slurm cluster (Debian's slurm-wlm,
/// started by the test: <see cref="SlurmCluster"/>): a 3-shard job of the shared clip is submitted,
/// one shard is cancelled while it runs (scancel), so the join is cancelled with it and refuses by
/// hand; a second submit runs that shard alone and the join, and the joined video is the one
/// <c>cliplit enhance</c> makes (timestamps, audio, every frame at least 50 dB).
/// </summary>
[TestFixture]
public sealed class JobSlurmTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(6);

    [SetUp]
    public void NeedSlurm()
    {
        if (SlurmCluster.Problem() is { } problem) Assert.Ignore(problem);
    }

    [Test]
    public void ACancelledShardRunsAloneOnTheNextSubmitAndTheJoinIsTheVideoEnhanceMakes()
    {
        using var workspace = new Workspace();
        using var cluster = SlurmCluster.Start(cpus: 4);
        string clip = workspace.PathOf("clip.mp4"), job = workspace.PathOf("job"), joined = workspace.PathOf("joined.mp4"), plain = workspace.PathOf("plain.mp4");
        VideoTests.Ffmpeg($"-v error -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -t 3 -vf scale=320:180 -c:v libx264 -preset ultrafast -c:a copy \"{clip}\"");
        string[] options = ["--quality", "fast", "--crf", "0", "--preset", "ultrafast", "--model", SharedData.EnhancementCheckpoint];
        Assert.That(Cli.Run(["job", "create", clip, "-o", joined, "--dir", job, "--shards", "3", "-q", .. options]).ExitCode, Is.EqualTo(0));

        var first = Submit(cluster, job);
        Assert.That(first.Shards, Is.Not.Null);
        // Cancel shard 1 while it runs: its marker appears once `job run` has started on it.
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(job, "shards", "1", "running.json")) && clock.Elapsed < Patience) Thread.Sleep(100);
        cluster.Cancel($"{first.Shards}_1");
        var tasks = cluster.WaitForJob(first.Shards!, Patience);
        Assert.That(tasks.Select(t => (t.ArrayTaskId, t.State)), Is.EqualTo(new[] { ("0", "COMPLETED"), ("1", "CANCELLED"), ("2", "COMPLETED") }),
            string.Join('\n', tasks));
        var join = cluster.WaitForJob(first.Join, Patience).Single();
        Assert.That((join.State, join.Reason), Is.EqualTo(("CANCELLED", "DependencyNeverSatisfied")), join.ToString());
        Assert.That(File.Exists(joined), Is.False);
        var status = Cli.Run("job", "status", job).Out;
        Assert.That(status, Does.Contain("shard 0: done").And.Contain("shard 2: done").And.Contain("1 missing, 0 running, 0 failed, 2 done of 3 shards"), status);

        var second = Submit(cluster, job);
        var rerun = cluster.WaitForJob(second.Shards!, Patience);
        Assert.That(rerun.Select(t => (t.ArrayTaskId, t.State)), Is.EqualTo(new[] { ("1", "COMPLETED") }), "only the cancelled shard runs again");
        Assert.That(cluster.WaitForJob(second.Join, Patience).Single().State, Is.EqualTo("COMPLETED"), File.ReadAllText(Directory.GetFiles(Path.Combine(job, "logs"), "join-*.log").Last()));

        Assert.That(Cli.Run(["enhance", clip, "-o", plain, "-q", .. options]).ExitCode, Is.EqualTo(0));
        TestContext.Out.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s from the first submit");
        VideoComparison.AssertSameAsSingleRun(plain, joined, "the Slurm job's video");
    }

    /// <summary>Runs the built app's <c>job submit --slurm</c> against the cluster; returns the job ids it printed.</summary>
    private static (string? Shards, string Join) Submit(SlurmCluster cluster, string job)
    {
        var start = new ProcessStartInfo(SiblingAppChecks.Cliplit) { ArgumentList = { "job", "submit", job, "--slurm" } };
        cluster.ApplyTo(start);
        var submitted = ChildProcess.Run(start, TimeSpan.FromMinutes(1));
        Assert.That(submitted.ExitCode, Is.EqualTo(0), submitted.ToString());
        var ids = submitted.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(": ")).ToDictionary(p => p[0], p => p[1].Trim());
        return (ids.GetValueOrDefault("shards"), ids["join"]);
    }
}
