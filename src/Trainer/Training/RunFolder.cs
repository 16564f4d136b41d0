using System.Globalization;
using System.Text.Json;
using ClipLit.Core.Files;

namespace ClipLit.Trainer.Training;

/// <summary>
/// The layout of a run's output folder. Enhancement checkpoints lie at the top, as .pth (the paper's
/// format) and .onnx, where <c>cliplit live --watch RUN_DIR</c> looks; everything else is in
/// sub-folders it does not look into: prompt pairs, sample images, TensorBoard events, and the
/// resume snapshots (state/step-N, each complete before it gets its name).
/// </summary>
public sealed class RunFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Prompts => Path.Combine(Root, "prompts");
    public string Samples => Path.Combine(Root, "samples");
    public string TensorBoard => Path.Combine(Root, "tensorboard");
    public string States => Path.Combine(Root, "state");
    /// <summary>The options the run was started with (JSON), which --resume reuses.</summary>
    public string OptionsFile => Path.Combine(Root, "options.json");

    /// <summary>The options a run was started with, for --resume.</summary>
    /// <exception cref="InvalidDataException">No options file, or one that is not such options (a line naming the file).</exception>
    public T ReadOptions<T>() where T : class
    {
        if (!File.Exists(OptionsFile)) throw new InvalidDataException($"{OptionsFile}: no run to resume (missing)");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(OptionsFile)) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{OptionsFile}: not this run's options ({e.Message})", e);
        }
    }

    /// <summary>Writes the options --resume reads back (atomically: a run never holds half an options file).</summary>
    public void WriteOptions<T>(T options) =>
        AtomicFile.Write(OptionsFile, stream => JsonSerializer.Serialize(stream, options, new JsonSerializerOptions { WriteIndented = true }));

    public void Create()
    {
        foreach (string folder in new[] { Root, Prompts, Samples, TensorBoard, States }) Directory.CreateDirectory(folder);
    }

    public string Checkpoint(string name, string extension) => Path.Combine(Root, name + extension);

    public string PromptFile(string name) => Path.Combine(Prompts, name + ".pth");

    public string SampleFolder(int iteration) => Path.Combine(Samples, "iter_" + iteration.ToString(CultureInfo.InvariantCulture));

    public string StateFolder(int iteration) => Path.Combine(States, "step-" + iteration.ToString(CultureInfo.InvariantCulture));

    /// <summary>The newest complete snapshot, or null (folders still being written have hidden names).</summary>
    public string? LatestState() => StateFolders().FirstOrDefault();

    /// <summary>The complete snapshots' folders, newest first.</summary>
    public IEnumerable<string> StateFolders()
    {
        if (!Directory.Exists(States)) return [];
        return Directory.EnumerateDirectories(States, "step-*")
            .Select(d => (Folder: d, Step: int.TryParse(Path.GetFileName(d)["step-".Length..], CultureInfo.InvariantCulture, out int n) ? n : -1))
            .Where(s => s.Step >= 0)
            .OrderByDescending(s => s.Step)
            .Select(s => s.Folder)
            .ToList();
    }
}
