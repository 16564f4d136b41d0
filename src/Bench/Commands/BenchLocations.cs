using ClipLit.Cli.CommandLine;
using ClipLit.Engine.Models;

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

    public string Checkpoint(string? given) => given ?? DefaultCheckpoint(Shared);

    public string Student(string? given) => given ?? Path.Combine(Root, "models", "student", StudentStore.DefaultStudentFileName);

    public string Report(string? given) => given ?? Path.Combine(Root, "docs", "benchmarks.md");

    /// <summary>The paper's checkpoint in a shared data folder.</summary>
    public static string DefaultCheckpoint(string shared) => Path.Combine(shared, "models", "clip-lit", ModelStore.DefaultModelFileName);
}
