using ClipLit.TestSupport;

namespace ClipLit.TrainerApp.Tests;

/// <summary>cliplit-train's command line in process.</summary>
public static class CliplitTrain
{
    public static CommandResult Run(params string[] args) => CommandRunner.Run("cliplit-train", Program.Run, CancellationToken.None, args);
}

/// <summary>The runtime app's command line in process (its 'train' starts cliplit-train as a child).</summary>
public static class Cliplit
{
    public static CommandResult Run(params string[] args) => CommandRunner.Run("cliplit", ClipLit.Cli.Program.Run, CancellationToken.None, args);
}
