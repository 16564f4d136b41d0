namespace ClipLit.TestSupport;

/// <summary>
/// Locates the repository and the shared data folder that sits beside it (<c>../shared</c>):
/// the paper's checkpoints, real photos, the video clip and PyTorch reference outputs.
/// <c>CLIPLIT_SHARED</c> overrides the location.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> RootLazy = new(FindRepositoryRoot);
    private static readonly Lazy<string> SharedLazy = new(FindShared);

    /// <summary>The repository root (the folder holding ClipLit.sln).</summary>
    public static string RepositoryRoot => RootLazy.Value;

    /// <summary>The shared data folder.</summary>
    public static string Root => SharedLazy.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string EnhancementCheckpoint => Path("models", "clip-lit", "enhancement_model.pth");

    public static string InitialEnhancementCheckpoint => Path("models", "clip-lit", "init_enhancement_model.pth");

    public static string BacklitPhotos => Path("data", "backlit");

    /// <summary>Every golden image stem with its folder: enhance-512 (six photos) and enhance-full (one).</summary>
    public static IEnumerable<(string Folder, string Stem)> GoldenImages()
    {
        foreach (var folder in new[] { "enhance-512", "enhance-full" })
        {
            var directory = Path("golden", folder);
            foreach (var input in Directory.GetFiles(directory, "*.input.png").Order(StringComparer.Ordinal))
                yield return (directory, System.IO.Path.GetFileName(input)[..^".input.png".Length]);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ClipLit.sln"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root (ClipLit.sln) above {AppContext.BaseDirectory}");
    }

    private static string FindShared()
    {
        var configured = Environment.GetEnvironmentVariable("CLIPLIT_SHARED");
        var candidate = string.IsNullOrEmpty(configured)
            ? System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared"))
            : System.IO.Path.GetFullPath(configured);
        if (!File.Exists(System.IO.Path.Combine(candidate, "models", "clip-lit", "enhancement_model.pth")))
            throw new InvalidOperationException(
                $"shared data not found at {candidate}: the tests need the shared folder (checkpoints, photos, golden outputs) beside the repository, or CLIPLIT_SHARED pointing at it");
        return candidate;
    }
}
