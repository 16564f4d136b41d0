using ClipLit.TestSupport;

namespace ClipLit.Bench.Tests;

/// <summary>cliplit-bench's command line in process.</summary>
public static class CliplitBench
{
    public static CommandResult Run(params string[] args) => CommandRunner.Run("cliplit-bench", Program.Run, CancellationToken.None, args);
}

/// <summary>The runtime app's command line in process (its 'bench' starts cliplit-bench as a child).</summary>
public static class Cliplit
{
    public static CommandResult Run(params string[] args) => CommandRunner.Run("cliplit", ClipLit.Cli.Program.Run, CancellationToken.None, args);
}
