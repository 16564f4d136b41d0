using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace ClipLit.TestSupport;

/// <summary>
/// A private single-node Slurm cluster for tests (Debian's slurm-wlm and munge): its own folder,
/// munged, slurmctld and slurmd, on free ports, all children of this process. Clients find it
/// through <c>SLURM_CONF</c> (<see cref="Environment"/>, <see cref="ApplyTo"/>, <see cref="Run"/>).
/// Jobs run as root with the submitter's environment. Dispose cancels what still runs, stops the
/// daemons, kills anything left that carries the cluster's SLURM_CONF, and deletes the folder.
/// </summary>
public sealed partial class SlurmCluster : IDisposable
{
    private static readonly string[] Daemons = ["munged", "slurmctld", "slurmd"];
    private static readonly string[] Clients = ["sbatch", "squeue", "scontrol", "scancel", "sinfo"];
    // Where Debian puts the daemons, which a non-login PATH may lack.
    private static readonly string[] SystemFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<DaemonProcess> _daemons = [];
    private bool _disposed;

    private SlurmCluster(string folder)
    {
        Folder = folder;
        Environment = new Dictionary<string, string> { ["SLURM_CONF"] = ConfigurationFile };
    }

    /// <summary>The cluster's folder: slurm.conf, munge key and socket, state, spool, logs, <c>jobs/</c>.</summary>
    public string Folder { get; }

    public string ConfigurationFile => Path.Combine(Folder, "slurm.conf");

    /// <summary>Where <see cref="Run"/> runs clients, so jobs submitted without <c>--output</c> write there.</summary>
    public string JobsFolder => Path.Combine(Folder, "jobs");

    public string MungeSocket => Path.Combine(Folder, "munge", "socket");

    /// <summary>The variables a client of this cluster needs (<c>SLURM_CONF</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The ids of the daemons it started (munged, slurmctld, slurmd).</summary>
    public IReadOnlyList<int> DaemonIds => [.. _daemons.Select(daemon => daemon.Id)];

    /// <returns>Null when a cluster can start here; else why not, in one line (for Assert.Ignore).</returns>
    public static string? Problem()
    {
        if (!OperatingSystem.IsLinux()) return "the Slurm test cluster runs on Linux only";
        var missing = Daemons.Concat(Clients).Where(program => FindProgram(program) is null).ToList();
        if (missing.Count > 0)
            return $"Slurm is not installed ({string.Join(", ", missing)} not found; scripts/install-system-packages.sh installs slurm-wlm and munge)";
        // slurmd starts jobs as their submitter and slurmctld runs as SlurmUser=root.
        if (!System.Environment.IsPrivilegedProcess) return "the Slurm test cluster needs root (slurmd, and jobs run as root)";
        return null;
    }

    /// <summary>Starts the cluster and waits until its node is idle.</summary>
    /// <param name="cpus">The node's CPU count; null for this machine's (more lets more tasks run at once).</param>
    /// <exception cref="InvalidOperationException">Slurm cannot run here, or a daemon stopped; the message has their last lines.</exception>
    /// <exception cref="TimeoutException">The node was not idle in time; the message has the daemons' last lines.</exception>
    public static SlurmCluster Start(int? cpus = null)
    {
        if (cpus is { } count) ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(cpus));
        string? problem = Problem();
        // (IsLinux again for the platform analyzer: Problem said so already.)
        if (problem is not null || !OperatingSystem.IsLinux()) throw new InvalidOperationException($"cannot start a Slurm cluster: {problem}");
        var folder = Directory.CreateTempSubdirectory("cliplit-slurm-");
        var cluster = new SlurmCluster(folder.FullName);
        try
        {
            cluster.Boot(cpus);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Points a child process at this cluster: SLURM_CONF set, Slurm variables inherited from outside removed.</summary>
    /// <param name="start">The child's start, changed in place.</param>
    public void ApplyTo(ProcessStartInfo start)
    {
        // Inside an outer Slurm job (a CI runner under Slurm) sbatch would pick up its SLURM_*/SBATCH_* options.
        foreach (string name in start.Environment.Keys.Where(IsInheritedSlurmVariable).ToList()) start.Environment.Remove(name);
        foreach (var (name, value) in Environment) start.Environment[name] = value;
    }

    /// <summary>Runs a Slurm client (sbatch, squeue, scontrol, ...) against this cluster, in <see cref="JobsFolder"/>.</summary>
    /// <param name="program">The client's name or path.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <exception cref="TimeoutException">It ran past a minute.</exception>
    public CommandResult Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(FindProgram(program) ?? program) { WorkingDirectory = JobsFolder };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        ApplyTo(start);
        return ChildProcess.Run(start, ClientTimeout);
    }

    /// <summary>Submits a batch job (<c>sbatch --parsable</c>).</summary>
    /// <param name="sbatchArguments">sbatch's options and the script or <c>--wrap COMMAND</c>.</param>
    /// <returns>Its job id (an array's job id for an array).</returns>
    public string Submit(params string[] sbatchArguments)
    {
        string output = Checked("sbatch", ["--parsable", .. sbatchArguments]).Trim();
        // --parsable prints "id" or "id;cluster".
        string jobId = output.Split(';')[0];
        if (!JobIdPattern().IsMatch(jobId)) throw new InvalidOperationException($"sbatch printed no job id: {output}");
        return jobId;
    }

    /// <summary>The job's records now: one, or for an array one per task (pending tasks may share one).</summary>
    /// <param name="jobId">A job id, an array's job id, or one task (<c>12_3</c>).</param>
    public List<SlurmJobRecord> Job(string jobId) => SlurmJobRecord.ParseAll(Checked("scontrol", "show", "job", "-o", jobId));

    /// <summary>Waits until the job, and for an array each of its tasks, has left the queue.</summary>
    /// <param name="jobId">A job id, an array's job id, or one task (<c>12_3</c>).</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>Its final records (array tasks in task order).</returns>
    /// <exception cref="TimeoutException">Not finished in time; the message has its records and the daemons' last lines.</exception>
    public List<SlurmJobRecord> WaitForJob(string jobId, TimeSpan timeout) =>
        WaitForJob(jobId, records => records.All(record => record.IsFinished), "to finish", timeout);

    /// <summary>Waits until the job's records meet a condition (a task running, a reason shown).</summary>
    /// <param name="jobId">A job id, an array's job id, or one task (<c>12_3</c>).</param>
    /// <param name="condition">What to wait for.</param>
    /// <param name="what">The condition in words, for the timeout's message.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The records that met it (array tasks in task order).</returns>
    /// <exception cref="TimeoutException">Not met in time; the message has its records and the daemons' last lines.</exception>
    public List<SlurmJobRecord> WaitForJob(string jobId, Func<IReadOnlyList<SlurmJobRecord>, bool> condition, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var records = Job(jobId).OrderBy(record => TaskOrder(record.ArrayTaskId)).ToList();
            if (condition(records)) return records;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"job {jobId} did not come {what} in {timeout.TotalSeconds:0} s:\n{string.Join('\n', records)}\n{Report()}");
            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>Cancels a job, an array, or one task (<c>scancel 12_3</c>).</summary>
    /// <param name="jobId">What to cancel.</param>
    public void Cancel(string jobId) => Checked("scancel", jobId);

    /// <summary>The daemons' states and last lines, for an error message.</summary>
    public string Report() => string.Join('\n', _daemons.Select(daemon => daemon.Report()));

    /// <summary>Cancels the cluster's jobs, stops its daemons, kills what is left of them, deletes its folder; safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_daemons.Any(daemon => daemon.Name == "slurmctld" && !daemon.HasExited)) StopJobsAndDaemons();
        foreach (var daemon in Enumerable.Reverse(_daemons)) daemon.Dispose();
        // Job processes and slurmstepd outlive slurmd; all of them carry this cluster's SLURM_CONF.
        var leftovers = ProcessesWithEnvironment.Kill("SLURM_CONF", ConfigurationFile);
        if (leftovers.Count > 0) TestContext.Out.WriteLine($"Slurm test cluster: killed processes left behind: {string.Join(", ", leftovers)}");
        Directory.Delete(Folder, recursive: true);
    }

    [SupportedOSPlatform("linux")]
    private void Boot(int? cpus)
    {
        // munged wants its socket's folder open to all (others' clients connect there); its key private.
        File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (string sub in new[] { "munge", "state", "spool", "log", "jobs" }) Directory.CreateDirectory(Path.Combine(Folder, sub));
        string mungeKey = Path.Combine(Folder, "munge", "key");
        using (var key = new FileStream(mungeKey, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            key.Write(RandomNumberGenerator.GetBytes(128));
        }

        var (nodeName, hardware) = ThisNode(cpus);
        int[] ports = FreeTcpPorts.Take(2);
        var configuration = new SlurmConfiguration(Folder, nodeName, hardware, ports[0], ports[1], MungeSocket);
        File.WriteAllText(ConfigurationFile, configuration.Render());

        StartDaemon("munged", "--foreground", $"--socket={MungeSocket}", $"--key-file={mungeKey}",
            $"--pid-file={Path.Combine(Folder, "munge", "pid")}", $"--seed-file={Path.Combine(Folder, "munge", "seed")}");
        WaitUntil(() => File.Exists(MungeSocket), "munged to open its socket");
        StartDaemon("slurmctld", "-D");
        StartDaemon("slurmd", "-D");
        WaitUntil(() => Run("sinfo", "--noheader", "--nodes", nodeName, "--format=%T") is { ExitCode: 0 } result && result.Out.Trim() == "idle",
            $"node {nodeName} to be idle");
    }

    /// <returns>This host's node name and its hardware as slurmd finds it (or with the CPU count given).</returns>
    private (string Name, string Hardware) ThisNode(int? cpus)
    {
        var result = ChildProcess.Run(FindProgram("slurmd")!, "-C");
        var line = result.Out.Split('\n').FirstOrDefault(text => text.StartsWith("NodeName=", StringComparison.Ordinal));
        if (result.ExitCode != 0 || line is null) throw new InvalidOperationException($"slurmd -C did not describe this node\n{result}");
        string[] fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string name = fields[0]["NodeName=".Length..];
        return (name, cpus is { } count ? $"CPUs={count}" : string.Join(' ', fields[1..]));
    }

    private void StartDaemon(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(FindProgram(program)!) { WorkingDirectory = Folder };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        ApplyTo(start);
        _daemons.Add(DaemonProcess.Start(program, start));
    }

    private void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_daemons.FirstOrDefault(daemon => daemon.HasExited) is { } stopped)
                throw new InvalidOperationException($"Slurm test cluster: {stopped.Name} stopped while waiting for {what}\n{Report()}");
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"Slurm test cluster: waited {StartTimeout.TotalSeconds:0} s for {what}\n{Report()}");
            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>Cancels every job and waits for the queue to empty, then shuts slurmctld and slurmd down.</summary>
    private void StopJobsAndDaemons()
    {
        try
        {
            Checked("scancel", "--user", System.Environment.UserName);
            // A cancelled job stays COMPLETING until slurmd has seen its processes go (seconds).
            var clock = Stopwatch.StartNew();
            while (Checked("squeue", "--noheader", "--format=%i").Trim().Length > 0 && clock.Elapsed < StopTimeout) Thread.Sleep(PollInterval);
            Checked("scontrol", "shutdown");
            foreach (var daemon in _daemons.Where(daemon => daemon.Name != "munged")) daemon.WaitForExit(StopTimeout);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Dispose goes on: whatever still runs is killed next.
            TestContext.Out.WriteLine($"Slurm test cluster: an orderly stop failed, killing what is left: {e.Message}");
        }
    }

    private string Checked(string program, params string[] arguments)
    {
        var result = Run(program, arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed\n{result}");
        return result.Out;
    }

    private static bool IsInheritedSlurmVariable(string name) =>
        name.StartsWith("SLURM_", StringComparison.Ordinal) || name.StartsWith("SBATCH_", StringComparison.Ordinal)
        || name.StartsWith("SQUEUE_", StringComparison.Ordinal) || name.StartsWith("SINFO_", StringComparison.Ordinal);

    private static string? FindProgram(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        var folders = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SystemFolders);
        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }

    // Array tasks by index (tasks pending together, "3-5" or "3-5%2", by their first); a job outside an array first.
    private static int TaskOrder(string? arrayTaskId) =>
        arrayTaskId is null ? -1 : int.TryParse(arrayTaskId.Split('-', '%', ',')[0], out int index) ? index : int.MaxValue;

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex JobIdPattern();
}
