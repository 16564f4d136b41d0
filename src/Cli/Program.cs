using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Commands;

namespace ClipLit.Cli;

/// <summary>The <c>cliplit</c> command: dispatches to a command and maps failures to exit codes.</summary>
public static class Program
{
    public const string Help = """
        ClipLit: backlit photo and video enhancement (CLIP-LIT, ICCV 2023).

        Usage: cliplit <command> [options]

        Commands:
          enhance   enhance photos and videos: cliplit enhance <file|folder|pattern>... -o <file|folder>
          live      show a video or camera enhanced in a window: cliplit live --input FILE
          cameras   list the cameras live --camera can use
          export    write the network as an ONNX model: cliplit export --checkpoint X.pth -o X.onnx
          train     train a new model from backlit and well-lit photos (the paper's method)
          models    show or install the default model
          bench     measure speed and memory against PyTorch, update docs/benchmarks.md
          doctor    check the NVIDIA GPU path link by link and say where the enhancer runs

        'cliplit <command> --help' describes a command.
        """;

    public static int Main(string[] args) => ConsoleApp.Main(args, Run);

    /// <summary>Runs one command line; never throws for expected failures.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context) => ConsoleApp.Guarded(context, () =>
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            context.Out.WriteLine(Help);
            return args.Count == 0 ? ExitCodes.Usage : ExitCodes.Success;
        }
        var rest = args.Skip(1).ToList();
        return args[0] switch
        {
            "enhance" => EnhanceCommand.Run(rest, context),
            "live" => LiveCommand.Run(rest, context),
            "cameras" => CamerasCommand.Run(rest, context),
            "export" => ExportCommand.Run(rest, context),
            // Training and benchmarks are executables of their own (libtorch stays out of this app):
            // they get this command line unchanged.
            "train" => SiblingApp.Trainer.Run(args, context),
            "models" => ModelsCommand.Run(rest, context),
            "bench" => SiblingApp.Bench.Run(args, context),
            "doctor" => DoctorCommand.Run(rest, context),
            "--version" => Version(context),
            _ => throw new UsageException($"unknown command '{args[0]}' (commands: enhance, live, cameras, export, train, models, bench, doctor)"),
        };
    });

    private static int Version(CliContext context)
    {
        context.Out.WriteLine($"cliplit {typeof(Program).Assembly.GetName().Version}");
        return ExitCodes.Success;
    }
}
