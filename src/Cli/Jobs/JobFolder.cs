using System.Text.Json;
using ClipLit.Core;

namespace ClipLit.Cli.Jobs;

/// <summary>Where a shard stands.</summary>
public enum ShardState
{
    /// <summary>Not started, or stopped without a trace (cancelled, or killed on this host).</summary>
    Missing,

    /// <summary>A worker says it runs it (on this host: its process is alive; elsewhere: as last written).</summary>
    Running,

    /// <summary>It stopped with an error.</summary>
    Failed,

    /// <summary>Every part is written.</summary>
    Done,
}

/// <summary>A shard's state and what explains it: the error line of a failure, the worker of a running shard.</summary>
public sealed record ShardStatus(int Index, ShardState State, string Detail);

/// <summary>What a marker file holds: who wrote it, when, and for a failure the error line.</summary>
/// <param name="Host">The worker's host name.</param>
/// <param name="ProcessId">Its process id.</param>
/// <param name="At">When.</param>
/// <param name="Detail">The error line (failed), or the frames written (done).</param>
/// <param name="StartTicks">The process's start time (ProcessIdentity): a later process with the same id (a retried pod's PID 1, a reused pid) is not it.</param>
public sealed record ShardMarker(string Host, int ProcessId, DateTimeOffset At, string Detail, long StartTicks = 0);

/// <summary>
/// The layout of a job folder, which every worker sees (shared storage): <c>manifest.json</c>,
/// <c>models/</c> (the model and student every shard runs), and per shard <c>shards/K/</c> with its
/// parts (<c>part-INPUT-START.ext</c>, each written atomically) and one marker: <c>running.json</c>
/// while a worker runs it, <c>failed.json</c> with the error line, <c>done.json</c> once every part
/// is written. A shard killed on this host leaves a running marker whose process is gone, which
/// reads as missing; a cancelled one removes its marker.
/// Thread-safety: stateless apart from the file system.
/// </summary>
public sealed class JobFolder(string path)
{
    private const string Running = "running.json", Failed = "failed.json", Done = "done.json";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Models => System.IO.Path.Combine(Path, "models");

    public string ShardFolder(int shard) => System.IO.Path.Combine(Path, "shards", shard.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The file a part is written to; its extension is the output's, so its container is the output's.</summary>
    public string PartFile(int shard, JobPart part, JobInput input) =>
        System.IO.Path.Combine(ShardFolder(shard), $"part-{part.Input}-{part.Start}{System.IO.Path.GetExtension(input.Output)}");

    /// <summary>The shard's state, read from its marker.</summary>
    public ShardStatus Status(int shard)
    {
        string folder = ShardFolder(shard);
        if (ReadMarker(System.IO.Path.Combine(folder, Done)) is { } done) return new ShardStatus(shard, ShardState.Done, done.Detail);
        if (ReadMarker(System.IO.Path.Combine(folder, Failed)) is { } failed)
            return new ShardStatus(shard, ShardState.Failed, $"{failed.Detail} (on {failed.Host}, {failed.At:u})");
        if (ReadMarker(System.IO.Path.Combine(folder, Running)) is { } running)
        {
            if (running.Host != ThisHost) return new ShardStatus(shard, ShardState.Running, $"on {running.Host}, pid {running.ProcessId}, since {running.At:u}");
            return IsAlive(running)
                ? new ShardStatus(shard, ShardState.Running, $"pid {running.ProcessId}, since {running.At:u}")
                : new ShardStatus(shard, ShardState.Missing, $"process {running.ProcessId} stopped without finishing (killed?)");
        }
        return new ShardStatus(shard, ShardState.Missing, "not run yet");
    }

    /// <summary>Marks the shard as run by this process (replacing a failure or a dead worker's marker).</summary>
    public void MarkRunning(int shard)
    {
        Directory.CreateDirectory(ShardFolder(shard));
        WriteMarker(shard, Running, "");
        AtomicFile.TryDelete(System.IO.Path.Combine(ShardFolder(shard), Failed));
    }

    /// <summary>Marks the shard done (its parts are all written).</summary>
    public void MarkDone(int shard, string detail)
    {
        WriteMarker(shard, Done, detail);
        AtomicFile.TryDelete(System.IO.Path.Combine(ShardFolder(shard), Running));
    }

    /// <summary>Marks the shard failed with its error line.</summary>
    public void MarkFailed(int shard, string error)
    {
        WriteMarker(shard, Failed, error);
        AtomicFile.TryDelete(System.IO.Path.Combine(ShardFolder(shard), Running));
    }

    /// <summary>A cancelled shard leaves no marker: it reads as missing, to be run again.</summary>
    public void ClearRunning(int shard) => AtomicFile.TryDelete(System.IO.Path.Combine(ShardFolder(shard), Running));

    /// <summary>Records that input <paramref name="input"/>'s output is joined (its size and time), so a join run again skips it.</summary>
    public void MarkJoined(int input, string output)
    {
        var file = new FileInfo(output);
        string path = JoinedMarker(input);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, new JoinedOutput(file.FullName, file.Length, file.LastWriteTimeUtc)));
    }

    /// <summary>Whether this job joined <paramref name="output"/> and it is still that file (same size and time).</summary>
    public bool WasJoined(int input, string output)
    {
        try
        {
            var file = new FileInfo(output);
            string path = JoinedMarker(input);
            return file.Exists && File.Exists(path)
                   && JsonSerializer.Deserialize<JoinedOutput>(File.ReadAllBytes(path)) is { } joined
                   && joined.Path == file.FullName && joined.Bytes == file.Length && joined.LastWriteUtc == file.LastWriteTimeUtc;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return false;
        }
    }

    private string JoinedMarker(int input) => System.IO.Path.Combine(Path, "joined", $"{input}.json");

    /// <summary>What a joined marker holds: the output as the join left it.</summary>
    private sealed record JoinedOutput(string Path, long Bytes, DateTime LastWriteUtc);

    /// <summary>This host's name as markers record it.</summary>
    public static string ThisHost => Environment.MachineName;

    private void WriteMarker(int shard, string name, string detail)
    {
        var marker = new ShardMarker(ThisHost, Environment.ProcessId, DateTimeOffset.UtcNow, detail, ProcessIdentity.Current.StartTicks);
        AtomicFile.Write(System.IO.Path.Combine(ShardFolder(shard), name), stream => JsonSerializer.Serialize(stream, marker));
    }

    private static ShardMarker? ReadMarker(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ShardMarker>(File.ReadAllBytes(path)) : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // Markers are written atomically: an unreadable one was damaged outside ClipLit; it counts as absent.
            return null;
        }
    }

    /// <summary>
    /// Whether the marker's writer still runs: the same process id with the same start time, and not
    /// this process (which is about to run the shard itself: a retried pod is PID 1 again, on a host
    /// of the same name).
    /// </summary>
    private static bool IsAlive(ShardMarker marker) =>
        marker.ProcessId != Environment.ProcessId && new ProcessIdentity(marker.ProcessId, marker.StartTicks).IsRunning;
}
