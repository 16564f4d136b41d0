namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench</c>: the benchmarks, one subcommand each (photos, video, motion, live, gpu, train,
/// distill, jobs), each with its own options; each measures into a result and has that written as
/// its section of docs/benchmarks.md. <c>cliplit bench</c> alone runs photos (see <see cref="BenchArguments"/>).
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class BenchCommand : AppCommand
{
    /// <summary>The subcommand <c>cliplit bench</c> runs when none is named.</summary>
    public const string DefaultSubcommand = "photos";

    /// <summary>What <c>cliplit bench --help</c> prints (without its last line break).</summary>
    public static string Help => CommandLineApp.HelpText(Program.CreateRoot(CliContext.Silent), "bench");

    public BenchCommand(CliContext context) : base("bench", "measure speed and memory against PyTorch, update docs/benchmarks.md")
    {
        foreach (var command in (AppCommand[])[new PhotosCommand(context), new VideoCommand(context), new LiveCommand(context), new GpuCommand(context),
                     new MotionCommand(context), new StagesCommand(context), new DenoiseCommand(context),
                     new TrainCommand(context), new DistillCommand(context), new JobsCommand(context)])
            Subcommands.Add(command);
        Explain("Details", """
            Each benchmark measures in one run on this machine, against PyTorch 1.13 where it has a
            reference, and replaces its own section of docs/benchmarks.md (or of --output FILE; '-'
            prints it); each report names the machine it ran on. 'cliplit bench' with no subcommand runs
            photos; 'cliplit bench COMMAND --help' describes each. The flags of the release before
            (--video, --live, --gpu, --train, --distill, --jobs) still choose a subcommand, with a note,
            until the next release. Needs the shared data folder beside the repository and python3-torch
            (the gpu benchmark only the model and photos: see its help).
            """);
    }
}
