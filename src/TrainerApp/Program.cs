using System.CommandLine;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;

namespace ClipLit.TrainerApp;

/// <summary>
/// The <c>cliplit-train</c> executable: the training commands, which need libtorch. It takes the
/// command line <c>cliplit</c> was given (<c>train ...</c>), so <c>cliplit train</c> and
/// <c>cliplit-train train</c> are the same run.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => ConsoleApp.Main(args, Run);

    /// <summary>Runs one command line; never throws for expected failures.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context) => CommandLineApp.Run(CreateRoot(context), args, context);

    /// <summary>cliplit-train's commands, their actions writing to <paramref name="context"/>.</summary>
    public static RootCommand CreateRoot(CliContext context) =>
        CommandLineApp.Root("cliplit-train", "cliplit-train: the training commands, run as 'cliplit train ...' or 'cliplit distill ...' (which starts it with that command line).",
            [], typeof(Program).Assembly, context, new TrainCommand(context), new DistillCommand(context));
}
