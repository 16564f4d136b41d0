using System.Diagnostics;
using ClipLit.TestSupport;

namespace ClipLit.VideoIO.Tests;

/// <summary>
/// The private Slurm test cluster (SlurmCluster) for the job commands' tests, on a real Slurm: an
/// array job and a join that depends on it, a job with its submitter's environment, a cancelled
/// task whose dependents never run, clusters one after another and side by side, and nothing of a
/// cluster left running after Dispose.
/// </summary>
[TestFixture]
public sealed class SlurmClusterTests : TemporaryFolderFixture
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [SetUp]
    public void NeedSlurm()
    {
        if (SlurmCluster.Problem() is { } problem) Assert.Ignore(problem);
    }

    [Test]
    public void AnArrayJobsTasksRunAndAJoinRunsAfterThemAll()
    {
        var clock = Stopwatch.StartNew();
        // Three CPUs, so the three tasks run at once on a smaller machine too.
        using var cluster = SlurmCluster.Start(cpus: 3);
        TestContext.Out.WriteLine($"cluster up in {clock.Elapsed.TotalSeconds:0.0} s");

        clock.Restart();
        string array = cluster.Submit("--array=0-2", $"--output={Folder}/task-%a.log",
            "--wrap", $"echo $SLURM_ARRAY_TASK_ID > '{Folder}'/task-$SLURM_ARRAY_TASK_ID.txt");
        string join = cluster.Submit($"--dependency=afterok:{array}", $"--output={Folder}/join.log",
            "--wrap", $"cat '{Folder}'/task-0.txt '{Folder}'/task-1.txt '{Folder}'/task-2.txt > '{Folder}'/joined.txt");
        var tasks = cluster.WaitForJob(array, JobTimeout);
        var joined = cluster.WaitForJob(join, JobTimeout).Single();
        TestContext.Out.WriteLine($"array and join done in {clock.Elapsed.TotalSeconds:0.0} s\n{string.Join('\n', tasks)}\n{joined}");

        Assert.That(tasks.Select(task => task.ArrayTaskId), Is.EqualTo(new[] { "0", "1", "2" }));
        Assert.That(tasks.Select(task => task.State), Is.All.EqualTo("COMPLETED"));
        Assert.That(tasks.Select(task => task.ExitCode), Is.All.EqualTo("0:0"));
        for (int task = 0; task < 3; task++)
            Assert.That(File.ReadAllText(Path.Combine(Folder, $"task-{task}.txt")), Is.EqualTo($"{task}\n"));
        Assert.That(joined.State, Is.EqualTo("COMPLETED"), File.ReadAllText(Path.Combine(Folder, "join.log")));
        Assert.That(File.ReadAllText(Path.Combine(Folder, "joined.txt")), Is.EqualTo("0\n1\n2\n"));
        Assert.That(joined.StartTime, Is.GreaterThanOrEqualTo(tasks.Max(task => task.EndTime!.Value)), "the join started after the last task ended");
    }

    [Test]
    public void AJobRunsWithItsSubmittersEnvironment()
    {
        using var cluster = SlurmCluster.Start();
        // As a test starts a program that submits (cliplit job submit): its own start, pointed at the cluster.
        var sbatch = new ProcessStartInfo("sbatch") { ArgumentList = { "--parsable", "--wrap", $"echo \"$CLIPLIT_TEST_MARK\" > '{Folder}'/mark" } };
        cluster.ApplyTo(sbatch);
        sbatch.Environment["CLIPLIT_TEST_MARK"] = "from the submitter";
        var submitted = ChildProcess.Run(sbatch, JobTimeout);
        Assert.That(submitted.ExitCode, Is.Zero, submitted.ToString());

        var job = cluster.WaitForJob(submitted.Out.Trim(), JobTimeout).Single();
        Assert.That(job.State, Is.EqualTo("COMPLETED"));
        Assert.That(File.ReadAllText(Path.Combine(Folder, "mark")), Is.EqualTo("from the submitter\n"));
    }

    [Test]
    public void ACancelledTaskEndsCancelledAndItsArraysDependentsNeverRun()
    {
        using var cluster = SlurmCluster.Start();
        var clock = Stopwatch.StartNew();
        string array = cluster.Submit("--array=0-1", $"--output={Folder}/task-%a.log",
            "--wrap", $"touch '{Folder}'/started-$SLURM_ARRAY_TASK_ID; if [ $SLURM_ARRAY_TASK_ID = 1 ]; then sleep 60; fi");
        // What job submit should pass: without it a dependent whose dependency failed stays pending for ever.
        string killedJoin = cluster.Submit("--kill-on-invalid-dep=yes", $"--dependency=afterok:{array}", "--wrap", $"touch '{Folder}'/joined");
        string pendingJoin = cluster.Submit($"--dependency=afterok:{array}", "--wrap", $"touch '{Folder}'/joined-too");

        cluster.WaitForJob($"{array}_1", records => records.Single().State == "RUNNING", "to run", JobTimeout);
        // RUNNING says slurmd started it, not that its script has got anywhere: the task's own mark says that.
        WaitFor(() => File.Exists(Path.Combine(Folder, "started-1")), "task 1 to start its script");
        cluster.Cancel($"{array}_1");
        var tasks = cluster.WaitForJob(array, JobTimeout);
        var killed = cluster.WaitForJob(killedJoin, JobTimeout).Single();
        var pending = cluster.WaitForJob(pendingJoin, records => records.Single().Reason == "DependencyNeverSatisfied",
            "to show that its dependency can never be satisfied", JobTimeout).Single();
        TestContext.Out.WriteLine($"cancelled and settled in {clock.Elapsed.TotalSeconds:0.0} s\n{string.Join('\n', tasks)}\n{killed}\n{pending}");

        Assert.That(tasks.Select(task => (task.ArrayTaskId, task.State)), Is.EqualTo(new[] { ("0", "COMPLETED"), ("1", "CANCELLED") }));
        Assert.That(File.Exists(Path.Combine(Folder, "started-1")), "task 1 had started when it was cancelled");
        Assert.That((killed.State, killed.Reason), Is.EqualTo(("CANCELLED", "DependencyNeverSatisfied")));
        Assert.That((pending.State, pending.Reason), Is.EqualTo(("PENDING", "DependencyNeverSatisfied")));
        cluster.Cancel(pendingJoin);
        Assert.That(cluster.WaitForJob(pendingJoin, JobTimeout).Single().State, Is.EqualTo("CANCELLED"));
        Assert.That(Directory.GetFiles(Folder, "joined*"), Is.Empty, "no join ran");
    }

    [Test]
    public void ADisposedClusterLeavesNothingAndAnotherStartsAfterIt()
    {
        var first = SlurmCluster.Start();
        string firstConfiguration = first.ConfigurationFile;
        var firstDaemons = first.DaemonIds;
        // A job still running at Dispose is cancelled with the rest.
        string sleeper = first.Submit("--wrap", "sleep 60");
        first.WaitForJob(sleeper, records => records.Single().State == "RUNNING", "to run", JobTimeout);
        var clock = Stopwatch.StartNew();
        first.Dispose();
        TestContext.Out.WriteLine($"disposed with a running job in {clock.Elapsed.TotalSeconds:0.0} s");
        first.Dispose();

        Assert.That(ProcessesWithEnvironment.Find("SLURM_CONF", firstConfiguration), Is.Empty, "no process carries the first cluster's configuration");
        Assert.That(firstDaemons.Where(id => Directory.Exists($"/proc/{id}")), Is.Empty, "its daemons are gone");
        Assert.That(Directory.Exists(Path.GetDirectoryName(firstConfiguration)), Is.False, "its folder is deleted");

        using var second = SlurmCluster.Start();
        var job = second.WaitForJob(second.Submit("--wrap", $"touch '{Folder}'/second"), JobTimeout).Single();
        Assert.That(job.State, Is.EqualTo("COMPLETED"));
        Assert.That(File.Exists(Path.Combine(Folder, "second")));
    }

    [Test]
    public void TwoClustersSideBySideKeepTheirOwnQueues()
    {
        using var one = SlurmCluster.Start();
        using var other = SlurmCluster.Start();
        string sleeper = one.Submit("--wrap", "sleep 60");
        one.WaitForJob(sleeper, records => records.Single().State == "RUNNING", "to run", JobTimeout);

        Assert.That(other.Run("squeue", "--noheader").Out.Trim(), Is.Empty, "the other cluster's queue is empty");
        var job = other.WaitForJob(other.Submit("--wrap", "true"), JobTimeout).Single();
        Assert.That(job.State, Is.EqualTo("COMPLETED"));
    }

    /// <summary>Waits, up to the job timeout, for <paramref name="condition"/>.</summary>
    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"waited {JobTimeout.TotalSeconds:0} s for {what}");
            Thread.Sleep(50);
        }
    }
}
