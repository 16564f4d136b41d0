using ClipLit.Cli;

namespace ClipLit.Bench;

/// <summary>
/// The <c>cliplit-bench</c> executable: the benchmarks. It takes the command line <c>cliplit</c>
/// was given (<c>bench ...</c>), so <c>cliplit bench</c> and <c>cliplit-bench bench</c> are the same run.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => ConsoleApp.Main(args, Run);

    /// <summary>Runs one command line; never throws for expected failures.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context) =>
        ConsoleApp.Dispatch("cliplit-bench", args, context, ("bench", BenchCommand.Run));
}
