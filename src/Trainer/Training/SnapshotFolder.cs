using System.Text.Json;

namespace ClipLit.Trainer.Training;

/// <summary>
/// How a resume snapshot is written, for training and distillation alike: one folder state/step-N
/// (<see cref="RunFolder.StateFolder"/>), filled under a hidden name and renamed when complete, so a
/// run killed at any moment leaves either the previous snapshot or the new one, never half of one;
/// <see cref="RunFolder.LatestState"/> sees only complete ones. The newest two are kept.
/// What goes inside is the caller's (<see cref="TrainingSnapshot"/>, <see cref="Distillation.DistillationSnapshot"/>).
/// Thread-safety: stateless; one process writes a run folder's snapshots at a time.
/// </summary>
public static class SnapshotFolder
{
    private const int Kept = 2;

    /// <summary>
    /// Writes the snapshot of <paramref name="iteration"/>: <paramref name="writeFiles"/> fills the
    /// hidden folder it is given, which then takes its name, and snapshots older than the newest two
    /// are deleted. Does nothing when that iteration is already saved (a stop or a
    /// stage's end falling on a snapshot).
    /// </summary>
    public static void Save(RunFolder run, int iteration, Action<string> writeFiles)
    {
        string final = run.StateFolder(iteration);
        if (Directory.Exists(final)) return;
        // A leading dot, not step-*: StateFolders and so --resume never take it for a snapshot.
        string partial = Path.Combine(run.States, $".{Path.GetFileName(final)}.{Environment.ProcessId}.partial");
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        try
        {
            writeFiles(partial);
            Directory.Move(partial, final);
        }
        catch
        {
            // A full disk or a stop mid-write: the half-written folder goes (its space too); the previous snapshot stands.
            try
            {
                Directory.Delete(partial, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left hidden: never taken for a snapshot, and deleted by the next attempt of this process.
            }
            throw;
        }

        foreach (string old in run.StateFolders().Skip(Kept)) Directory.Delete(old, recursive: true);
    }

    /// <summary>Writes a snapshot's record of where the run stood (the schedule, the position) as JSON.</summary>
    public static void WriteJson<T>(string path, T value, JsonSerializerOptions? options = null) =>
        File.WriteAllText(path, JsonSerializer.Serialize(value, options));

    /// <summary>Reads what <see cref="WriteJson{T}"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The file holds JSON null.</exception>
    public static T ReadJson<T>(string path, JsonSerializerOptions? options = null) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), options) ?? throw new InvalidDataException($"{path}: holds no {typeof(T).Name}");
}
