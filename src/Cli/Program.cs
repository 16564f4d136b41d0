using System.CommandLine;
using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Commands;
using ClipLit.Renderer;

namespace ClipLit.Cli;

/// <summary>The <c>cliplit</c> command: its commands, parsed by System.CommandLine, and their exit codes.</summary>
public static class Program
{
    public static int Main(string[] args) => ConsoleApp.Main(args, Run);

    /// <summary>Runs one command line; never throws for expected failures.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        // The environment's choice of frame stages is checked before any work: a typo is one line, not a failure in the middle of a video.
        try
        {
            FrameStagesChoice.Requested();
        }
        catch (ArgumentException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        return CommandLineApp.Run(CreateRoot(context), args, context);
    }

    private static readonly (string, string)[] Sections =
    [
        ("More", """
            'cliplit <command> --help' describes a command; 'cliplit help <command>' too.
            Shell completion: source <(cliplit completion bash), or zsh.
            """),
        ("Exit status", "0 success, 1 failure (some inputs failed), 2 usage error, 130 interrupted."),
    ];

    /// <summary>cliplit's commands, their actions writing to <paramref name="context"/>.</summary>
    public static RootCommand CreateRoot(CliContext context)
    {
        return CommandLineApp.Root("cliplit", "ClipLit: backlit photo and video enhancement (CLIP-LIT, ICCV 2023).", Sections, typeof(Program).Assembly, context,
            new EnhanceCommand(context),
            new LiveCommand(context),
            new CamerasCommand(context),
            new ExportCommand(context),
            // Training and benchmarks are executables of their own (libtorch stays out of this app):
            // they get this command line unchanged, --help included.
            new ForwardedCommand(SiblingApp.Trainer.Command, "train a new model from backlit and well-lit photos (the paper's method)", SiblingApp.Trainer.Run),
            new ForwardedCommand("distill", "distil a model into a small student that runs in real time (the fast quality)", SiblingApp.Trainer.Run),
            new JobCommand(context),
            new ModelsCommand(context),
            new ForwardedCommand(SiblingApp.Bench.Command, "measure speed and memory against PyTorch, update docs/benchmarks.md", SiblingApp.Bench.Run),
            new DoctorCommand(context),
            new CompletionCommand(context));
    }
}
