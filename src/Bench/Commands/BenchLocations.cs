using ClipLit.Core.Files;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;

namespace ClipLit.Bench.Commands;

/// <summary>
/// Where a benchmark run from a checkout finds what it needs and writes its report: the checkout,
/// the shared data folder beside it (or <c>CLIPLIT_SHARED</c>), and the defaults of the model, the
/// student and the report file.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Root">The checkout.</param>
/// <param name="Shared">The shared data folder.</param>
public sealed record BenchLocations(string Root, string Shared)
{
    /// <summary>The checkout this runs from and its shared folder.</summary>
    /// <exception cref="UsageException">Not run from a checkout.</exception>
    public static BenchLocations FromCheckout()
    {
        string root = ModelStore.RepositoryRoot() ?? throw new UsageException("bench: run it from a ClipLit checkout (the repository's ./cliplit)");
        return new BenchLocations(root, ModelStore.SharedFolder() ?? Path.GetFullPath(Path.Combine(root, "..", "shared")));
    }

    /// <summary>Whether the shared folder has the golden photos every benchmark but the GPU one starts from; false with an error line.</summary>
    public bool HasSharedData(TextWriter log)
    {
        if (Directory.Exists(Path.Combine(Shared, "golden"))) return true;
        log.WriteLine($"error: {Shared}: shared data folder not found (bench needs its golden photos)");
        return false;
    }

    /// <summary>The model measured (<c>--model</c>, else the paper's), read now: a bad file is said before minutes of measuring.</summary>
    /// <exception cref="UsageException">It cannot be read as a model (the line names it).</exception>
    public string Checkpoint(string? given) => CheckedModel(given ?? DefaultCheckpoint(Shared));

    /// <summary>The student measured (<c>--fast-model</c>, else the shipped one), read now.</summary>
    /// <exception cref="UsageException">It cannot be read as a student (the line names it).</exception>
    public string Student(string? given) =>
        Readable(given ?? Path.Combine(Root, "models", "student", StudentStore.DefaultStudentFileName), "--fast-model", path => ModelFile.LoadStudent(path));

    /// <summary>The report file (<c>--output</c>, else docs/benchmarks.md; "-" prints it), its folder tried now: a report that cannot be written is said before the run, not after it.</summary>
    /// <exception cref="UsageException">Empty, or its folder cannot take a file (the line says why).</exception>
    public string Report(string? given) => CheckedReport(given ?? Path.Combine(Root, "docs", "benchmarks.md"));

    /// <summary><paramref name="report"/>, its folder tried now (see <see cref="Report"/>).</summary>
    /// <exception cref="UsageException">Empty, or its folder cannot take a file.</exception>
    public static string CheckedReport(string report)
    {
        if (report == "-") return report;
        if (report.Length == 0) throw new UsageException("bench: --output needs a file ('-' prints the report)");
        try
        {
            // A locked temporary beside it, deleted again: what the report's atomic write will need.
            using (TemporaryFile.Create(report))
            {
            }
        }
        catch (FileWriteException e)
        {
            throw new UsageException($"bench: --output {e.Message}");
        }
        return report;
    }

    /// <summary>The checkpoint at <paramref name="path"/>, read now (see <see cref="Checkpoint"/>).</summary>
    /// <exception cref="UsageException">It cannot be read as a model.</exception>
    public static string CheckedModel(string path) => Readable(path, "--model", path => ModelFile.Load(path));

    private static string Readable(string path, string option, Action<string> read)
    {
        try
        {
            read(path);
            return path;
        }
        catch (ModelLoadException e)
        {
            throw new UsageException($"bench: {option} {e.Message}");
        }
    }

    /// <summary>The paper's checkpoint in a shared data folder.</summary>
    public static string DefaultCheckpoint(string shared) => Path.Combine(shared, "models", "clip-lit", ModelStore.DefaultModelFileName);
}
