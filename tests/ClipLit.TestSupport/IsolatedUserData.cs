namespace ClipLit.TestSupport;

/// <summary>
/// Keeps a test run away from the user's own data: before any test, HOME and XDG_DATA_HOME point at
/// a fresh folder of this run (so the per-user model folder, its installed default model and
/// students, are the run's own, empty until a test installs something there), and the variables
/// that name a user's models are cleared. The suite then passes alike on a bare machine and on one
/// where <c>./setup</c> installed models. Child processes (built apps, Slurm jobs) inherit it.
/// Thread-safety: called once per test assembly, before its tests.
/// </summary>
public static class IsolatedUserData
{
    /// <summary>The variables a user may set to pick models; a test that needs one sets it itself.</summary>
    public static readonly IReadOnlyList<string> ClearedVariables = ["CLIPLIT_MODEL", "CLIPLIT_MODEL_SOURCE", "CLIPLIT_RESUME_FRAMES_PER_SHARD", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"];

    /// <summary>This run's home folder; null before <see cref="Apply"/>.</summary>
    public static string? Home { get; private set; }

    /// <summary>Points HOME and XDG_DATA_HOME at a new folder of this run and clears the model variables.</summary>
    public static void Apply()
    {
        if (Home is not null) return;
        Home = Directory.CreateTempSubdirectory("cliplit-test-home-").FullName;
        string data = Directory.CreateDirectory(Path.Combine(Home, ".local", "share")).FullName;
        Environment.SetEnvironmentVariable("HOME", Home);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", data);
        foreach (string variable in ClearedVariables) Environment.SetEnvironmentVariable(variable, null);
    }

    /// <summary>Deletes the run's folder.</summary>
    public static void Remove()
    {
        if (Home is null || !Directory.Exists(Home)) return;
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A child still writing there: the system's temporary folder is cleaned in time.
        }
    }
}
