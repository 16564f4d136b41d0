namespace ClipLit.Bench.Processes;

/// <summary>
/// The built cliplit app, which the benchmarks time and whose commands the jobs bench runs as
/// child processes: the one that started this bench (it names itself in <see cref="ParentVariable"/>),
/// else the one beside cliplit-bench (a test's output folder, a publish folder), else the
/// launcher's (.cliplit-build/bin beside .cliplit-build/bench).
/// Thread-safety: stateless.
/// </summary>
public static class CliplitExecutable
{
    /// <summary>What the cliplit app sets for cliplit-bench when it starts it: its own path (SiblingApp.ParentVariable in src/Cli).</summary>
    public const string ParentVariable = "CLIPLIT_APP";

    /// <summary>The app's path.</summary>
    /// <exception cref="InvalidOperationException">No built app was found; the message says where it was looked for.</exception>
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable(ParentVariable) is { Length: > 0 } parent) return parent;
        string beside = Path.Combine(AppContext.BaseDirectory, "cliplit");
        string launcherLayout = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "bin", "cliplit"));
        return File.Exists(beside) ? beside
            : File.Exists(launcherLayout) ? launcherLayout
            : throw new InvalidOperationException($"the cliplit app is not built (${ParentVariable} not set, not at {beside} or {launcherLayout}): run the bench through the repository's ./cliplit");
    }
}
