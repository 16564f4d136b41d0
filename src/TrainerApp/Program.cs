using ClipLit.Cli;

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
    public static int Run(IReadOnlyList<string> args, CliContext context) =>
        ConsoleApp.Dispatch("cliplit-train", args, context, ("train", TrainCommand.Run));
}
