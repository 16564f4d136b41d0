using System.Text;
using ClipLit.Core.Files;
using ClipLit.Core.Processes;

namespace ClipLit.Jobs.Schedulers;

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
/// <c>JOB_DIR/logs</c>; the jobs inherit the submitter's environment (sbatch's default). No shell
/// command is built: sbatch runs a fixed script (<c>JOB_DIR/slurm/run.sh</c>, <c>exec "$@"</c>) with
/// cliplit and its arguments as the script's own arguments, so a path with quotes or spaces stays
/// one argument.
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
        string script = RunScript();
        if (pending.Count > 0)
        {
            shardsJob = Sbatch([$"--job-name=cliplit-{name}", $"--array={string.Join(',', pending)}", $"--output={Path.Combine(logs, "shard-%a-%A.log")}",
                .. sbatchOptions, script, cliplit, "job", "run", folder.Path]);
            dependency = [$"--dependency=afterok:{shardsJob}", "--kill-on-invalid-dep=yes"];
        }
        string joinJob = Sbatch([$"--job-name=cliplit-{name}-join", .. dependency, $"--output={Path.Combine(logs, "join-%j.log")}",
            .. sbatchOptions, script, cliplit, "job", "join", folder.Path]);
        return new SlurmJobs(shardsJob, pending, joinJob, running);
    }

    /// <summary>The batch script every task runs: its arguments, as given (written once per job folder).</summary>
    private string RunScript()
    {
        string path = Path.Combine(Directory.CreateDirectory(Path.Combine(folder.Path, "slurm")).FullName, "run.sh");
        const string text = "#!/bin/sh\n# Written by 'cliplit job submit --slurm': runs the command sbatch was given after this script's name.\nexec \"$@\"\n";
        if (!File.Exists(path) || File.ReadAllText(path) != text) AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));
        return path;
    }

    /// <summary>Runs sbatch --parsable; returns the job id.</summary>
    private static string Sbatch(IReadOnlyList<string> arguments)
    {
        ChildProgramResult result;
        try
        {
            result = ChildProgram.Run("sbatch", ["--parsable", .. arguments], TimeSpan.FromMinutes(2));
        }
        catch (ChildProgramException)
        {
            throw new JobException("sbatch not found: submitting to Slurm needs its client commands (Debian: slurm-client) on PATH");
        }
        catch (TimeoutException)
        {
            throw new JobException("sbatch did not answer within 2 minutes (is slurmctld reachable?)");
        }
        if (result.ExitCode != 0) throw new JobException($"sbatch refused the job: {result.LastErrorLine ?? $"exit code {result.ExitCode}"}");
        // --parsable prints "jobid" or "jobid;cluster".
        return result.Output.Trim().Split(';')[0];
    }
}
