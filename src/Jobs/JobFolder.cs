using System.Text.Json;
using ClipLit.Core.Files;

namespace ClipLit.Jobs;

/// <summary>Where a shard stands.</summary>
public enum ShardState
{
    /// <summary>Not started, or stopped without a trace (cancelled, or its worker died).</summary>
    Missing,

    /// <summary>A worker holds the shard's lock: it runs it.</summary>
    Running,

    /// <summary>It stopped with an error.</summary>
    Failed,

    /// <summary>Every part is written and recorded with its checksum.</summary>
    Done,
}

/// <summary>A shard's state and what explains it: the error line of a failure, the worker of a running shard.</summary>
public sealed record ShardStatus(int Index, ShardState State, string Detail);

/// <summary>A finished part as its shard's done marker records it: what the join checks before it uses the file.</summary>
/// <param name="File">The part's file name in the shard's folder.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">SHA-256 of its content (lower-case hex).</param>
/// <param name="Frames">The frames it holds.</param>
public sealed record PartRecord(string File, long Bytes, string Sha256, int Frames);

/// <summary>What a marker file holds: who wrote it, when, and for a failure the error line; a done marker also its parts.</summary>
/// <param name="Host">The worker's host name.</param>
/// <param name="ProcessId">Its process id (in its own PID namespace: for people, not for deciding anything).</param>
/// <param name="At">When.</param>
/// <param name="Detail">The error line (failed), or the frames written (done).</param>
/// <param name="Parts">The parts (done), each with its size and checksum.</param>
public sealed record ShardMarker(string Host, int ProcessId, DateTimeOffset At, string Detail, IReadOnlyList<PartRecord>? Parts = null);

/// <summary>
/// The layout of a job folder, which every worker sees (shared storage): <c>manifest.json</c>,
/// <c>models/</c> (the model and student every shard runs), and per shard <c>shards/K/</c> with its
/// parts (<c>part-INPUT-START.ext</c>, each written atomically and verified) and its markers. A
/// worker owns a shard by holding the advisory lock on <c>shards/K/worker.lock</c> for as long as it
/// runs it (<see cref="Claim"/>), so two workers started together cannot both run it, and a worker
/// that dies, however it dies, leaves a lock anyone can take: its shard reads as missing. Beside
/// the lock: <c>running.json</c> (who runs it, for people), <c>failed.json</c> with the error line,
/// <c>done.json</c> once every part is written, with each part's size and SHA-256. Everything read
/// here is checked: a marker that does not parse reads as absent, a done marker whose parts are not
/// as recorded as not done.
/// Thread-safety: stateless apart from the file system.
/// </summary>
public sealed class JobFolder(string path)
{
    /// <summary>The markers' file names in a shard's folder.</summary>
    internal const string RunningFile = "running.json", FailedFile = "failed.json", DoneFile = "done.json";

    private const string LockFileName = "worker.lock";

    /// <summary>A marker is a line of JSON; anything larger is not one.</summary>
    private const long MaxMarkerBytes = 16 << 20;

    /// <summary>How long a worker waits for a lock someone may be testing (<c>job status</c> holds it for an instant).</summary>
    private static readonly TimeSpan ClaimPatience = TimeSpan.FromSeconds(2);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Models => System.IO.Path.Combine(Path, "models");

    public string ShardFolder(int shard) => System.IO.Path.Combine(Path, "shards", shard.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The file a part is written to; its extension is the output's, so its container is the output's.</summary>
    public string PartFile(int shard, JobPart part, JobInput input) =>
        System.IO.Path.Combine(ShardFolder(shard), $"part-{part.Input}-{part.Start}{System.IO.Path.GetExtension(input.Output).ToLowerInvariant()}");

    /// <summary>This host's name as markers record it.</summary>
    public static string ThisHost => Environment.MachineName;

    /// <summary>The shard's state, read from its markers and its lock.</summary>
    public ShardStatus Status(int shard)
    {
        string folder = ShardFolder(shard);
        if (ReadMarker(System.IO.Path.Combine(folder, DoneFile)) is { Parts: not null } done) return new ShardStatus(shard, ShardState.Done, done.Detail);
        if (ReadMarker(System.IO.Path.Combine(folder, FailedFile)) is { } failed)
            return new ShardStatus(shard, ShardState.Failed, $"{failed.Detail} (on {failed.Host}, {failed.At:u})");
        if (ReadMarker(System.IO.Path.Combine(folder, RunningFile)) is { } running)
        {
            string who = $"on {running.Host}, pid {running.ProcessId}, since {running.At:u}";
            return LockFile.Probe(System.IO.Path.Combine(folder, LockFileName)) switch
            {
                LockAttempt.Held => new ShardStatus(shard, ShardState.Running, who),
                LockAttempt.Acquired => new ShardStatus(shard, ShardState.Missing, $"its worker ({who}) stopped without finishing (killed?)"),
                _ => new ShardStatus(shard, ShardState.Running, $"{who} (whether it still runs cannot be told: the file system has no locks)"),
            };
        }
        return new ShardStatus(shard, ShardState.Missing, "not run yet");
    }

    /// <summary>The parts a done marker records, or null when the shard has no readable done marker.</summary>
    public IReadOnlyList<PartRecord>? DoneParts(int shard) => ReadMarker(System.IO.Path.Combine(ShardFolder(shard), DoneFile))?.Parts;

    /// <summary>
    /// Takes shard <paramref name="shard"/> for this process: its lock, held until the claim is
    /// disposed. Null when another worker holds it (it runs the shard).
    /// </summary>
    /// <exception cref="IOException">The shard's folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The shard's folder may not be written.</exception>
    public ShardClaim? Claim(int shard)
    {
        string folder = Directory.CreateDirectory(ShardFolder(shard)).FullName;
        var held = LockFile.TryAcquire(System.IO.Path.Combine(folder, LockFileName), ClaimPatience);
        return held is null ? null : new ShardClaim(this, shard, held);
    }

    /// <summary>Records that input <paramref name="input"/>'s output is joined (its size and time), so a join run again skips it.</summary>
    public void MarkJoined(int input, string output)
    {
        var file = new FileInfo(output);
        string marker = JoinedMarker(input);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(marker)!);
        AtomicFile.Write(marker, stream => JsonSerializer.Serialize(stream, new JoinedOutput(file.FullName, file.Length, file.LastWriteTimeUtc)));
    }

    /// <summary>Whether this job joined <paramref name="output"/> and it is still that file (same size and time).</summary>
    public bool WasJoined(int input, string output)
    {
        try
        {
            var file = new FileInfo(output);
            string marker = JoinedMarker(input);
            return file.Exists && File.Exists(marker) && new FileInfo(marker).Length < MaxMarkerBytes && !ContentFile.IsEmpty(marker)
                   && JsonSerializer.Deserialize<JoinedOutput>(File.ReadAllBytes(marker)) is { } joined
                   && joined.Path == file.FullName && joined.Bytes == file.Length && joined.LastWriteUtc == file.LastWriteTimeUtc;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    private string JoinedMarker(int input) => System.IO.Path.Combine(Path, "joined", $"{input}.json");

    /// <summary>What a joined marker holds: the output as the join left it.</summary>
    private sealed record JoinedOutput(string Path, long Bytes, DateTime LastWriteUtc);

    internal void WriteMarker(int shard, string detail, IReadOnlyList<PartRecord>? parts, string name)
    {
        var marker = new ShardMarker(ThisHost, Environment.ProcessId, DateTimeOffset.UtcNow, detail, parts);
        AtomicFile.Write(System.IO.Path.Combine(ShardFolder(shard), name), stream => JsonSerializer.Serialize(stream, marker));
    }

    internal void DeleteMarker(int shard, string name) => AtomicFile.TryDelete(System.IO.Path.Combine(ShardFolder(shard), name));

    private static ShardMarker? ReadMarker(string path)
    {
        try
        {
            // Unopened when empty: a pipe left on the shared storage would wait for a writer.
            if (!File.Exists(path) || new FileInfo(path).Length > MaxMarkerBytes || ContentFile.IsEmpty(path)) return null;
            var marker = JsonSerializer.Deserialize<ShardMarker>(File.ReadAllBytes(path));
            // Markers are written atomically: an incomplete one was damaged outside ClipLit; it counts as absent.
            return marker is { Host: not null, Detail: not null } && (marker.Parts is null || marker.Parts.All(p => p is { File: not null, Sha256: not null }))
                ? marker
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>
/// A worker's hold on one shard (<see cref="JobFolder.Claim"/>): while it lives, no other worker
/// runs the shard. It marks the shard running, then done (with its parts) or failed; disposed
/// without either (a cancellation) it removes the running marker, so the shard reads as missing.
/// Ownership: owns the shard's lock; Dispose releases it (safe twice).
/// </summary>
public sealed class ShardClaim : IDisposable
{
    private readonly JobFolder _folder;
    private readonly int _shard;
    private readonly LockFile _lock;
    private bool _ended;
    private bool _disposed;

    internal ShardClaim(JobFolder folder, int shard, LockFile held)
    {
        _folder = folder;
        _shard = shard;
        _lock = held;
    }

    /// <summary>Whether the file system keeps locks; without them two workers could still run one shard.</summary>
    public bool Exclusive => _lock.Locked;

    /// <summary>Says who runs the shard (replacing a failure's marker, or a done marker that did not stand).</summary>
    public void MarkRunning()
    {
        _folder.WriteMarker(_shard, "", null, JobFolder.RunningFile);
        _folder.DeleteMarker(_shard, JobFolder.FailedFile);
        _folder.DeleteMarker(_shard, JobFolder.DoneFile);
    }

    /// <summary>Marks the shard done, recording its parts.</summary>
    public void MarkDone(string detail, IReadOnlyList<PartRecord> parts)
    {
        _folder.WriteMarker(_shard, detail, parts, JobFolder.DoneFile);
        _folder.DeleteMarker(_shard, JobFolder.RunningFile);
        _ended = true;
    }

    /// <summary>Marks the shard failed with its error line.</summary>
    public void MarkFailed(string error)
    {
        _folder.WriteMarker(_shard, error, null, JobFolder.FailedFile);
        _folder.DeleteMarker(_shard, JobFolder.RunningFile);
        _ended = true;
    }

    /// <summary>Removes the running marker unless the shard ended (a cancelled shard reads as missing), then releases the lock.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_ended) _folder.DeleteMarker(_shard, JobFolder.RunningFile);
        _lock.Dispose();
    }
}
