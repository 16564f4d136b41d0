using ClipLit.Bench.Commands;

namespace ClipLit.Bench;

/// <summary>
/// The <c>cliplit-bench</c> executable: the benchmarks. It takes the command line <c>cliplit</c>
/// was given (<c>bench ...</c>), so <c>cliplit bench</c> and <c>cliplit-bench bench</c> are the same run.
/// Thread-safety: stateless.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => ConsoleApp.Main(args, Run);

    /// <summary>Runs one command line (the spellings kept from before the subcommands turned into theirs); never throws for expected failures.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        var root = CreateRoot(context);
        var bench = root.Subcommands.OfType<BenchCommand>().Single();
        return CommandLineApp.Run(root, BenchArguments.Normalize(args, bench, context.Error), context);
    }

    /// <summary>cliplit-bench's commands, their actions writing to <paramref name="context"/>.</summary>
    public static RootCommand CreateRoot(CliContext context) =>
        CommandLineApp.Root("cliplit-bench", "cliplit-bench: the benchmarks, run as 'cliplit bench ...' (which starts it with that command line).",
            [], typeof(Program).Assembly, context, new BenchCommand(context));
}
