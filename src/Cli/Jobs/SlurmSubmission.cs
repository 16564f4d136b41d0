using System.ComponentModel;
using System.Diagnostics;

namespace ClipLit.Cli.Jobs;

/// <summary>The Slurm jobs a submission made.</summary>
/// <param name="ShardsJob">The array job running the shards, or null when every shard was already done.</param>
/// <param name="Shards">The shards in the array.</param>
/// <param name="JoinJob">The join's job, which starts once every array task succeeded.</param>
/// <param name="LeftRunning">Shards marked running and not submitted (the join waits for them only through their done markers).</param>
public sealed record SlurmJobs(string? ShardsJob, IReadOnlyList<int> Shards, string JoinJob, IReadOnlyList<int> LeftRunning);

/// <summary>
/// <c>job submit --slurm</c>: one array job for the shards not done yet (task K runs
/// <c>cliplit job run JOB_DIR</c>, which reads its shard from <c>SLURM_ARRAY_TASK_ID</c>), and a
/// join job that depends on it (<c>afterok</c>, and <c>--kill-on-invalid-dep=yes</c>: a failed or
/// cancelled shard cancels the join instead of leaving it pending for ever). Submitting again after
/// a failure or a cancellation runs only what is missing; a shard marked running is left to its
/// worker unless asked (<c>--rerun-running</c>: a worker that died without a trace on another host). Each job's log goes to
/// <c>JOB_DIR/logs</c>; the jobs inherit the submitter's environment (sbatch's default).
/// </summary>
/// <param name="folder">The job.</param>
/// <param name="manifest">Its plan.</param>
/// <param name="sbatchOptions">More sbatch options for both jobs (partition, time, account, ...).</param>
/// <param name="rerunRunning">Submit shards marked running too.</param>
public sealed class SlurmSubmission(JobFolder folder, JobManifest manifest, IReadOnlyList<string> sbatchOptions, bool rerunRunning = false)
{
    /// <exception cref="JobException">sbatch is missing or refused a job; the message has its error.</exception>
    public SlurmJobs Submit()
    {
        string cliplit = Environment.ProcessPath ?? throw new JobException("cannot tell where this cliplit executable is, for the jobs to run it");
        string logs = Directory.CreateDirectory(Path.Combine(folder.Path, "logs")).FullName;
        string name = Path.GetFileName(folder.Path);
        var states = Enumerable.Range(0, manifest.Shards.Count).Select(folder.Status).ToList();
        var running = states.Where(s => s.State == ShardState.Running && !rerunRunning).Select(s => s.Index).ToList();
        var pending = states.Where(s => s.State != ShardState.Done && !running.Contains(s.Index)).Select(s => s.Index).ToList();
        string? shardsJob = null;
        var dependency = new List<string>();
        if (pending.Count > 0)
        {
            shardsJob = Sbatch([$"--job-name=cliplit-{name}", $"--array={string.Join(',', pending)}", $"--output={Path.Combine(logs, "shard-%a-%A.log")}",
                .. sbatchOptions, "--wrap", Command(cliplit, "run")]);
            dependency = [$"--dependency=afterok:{shardsJob}", "--kill-on-invalid-dep=yes"];
        }
        string joinJob = Sbatch([$"--job-name=cliplit-{name}-join", .. dependency, $"--output={Path.Combine(logs, "join-%j.log")}",
            .. sbatchOptions, "--wrap", Command(cliplit, "join")]);
        return new SlurmJobs(shardsJob, pending, joinJob, running);
    }

    /// <summary>The shell command a job runs (sbatch --wrap hands it to sh): paths single-quoted.</summary>
    private string Command(string cliplit, string verb) => $"{Quote(cliplit)} job {verb} {Quote(folder.Path)}";

    private static string Quote(string text) => "'" + text.Replace("'", @"'\''", StringComparison.Ordinal) + "'";

    /// <summary>Runs sbatch --parsable; returns the job id.</summary>
    private static string Sbatch(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--parsable");
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new JobException($"sbatch refused the job: {error.Result.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0) ?? $"exit code {process.ExitCode}"}");
            // --parsable prints "jobid" or "jobid;cluster".
            return output.Split(';')[0];
        }
        catch (Win32Exception)
        {
            throw new JobException("sbatch not found: submitting to Slurm needs its client commands (Debian: slurm-client) on PATH");
        }
    }
}
