using System.Diagnostics;
using System.Runtime.InteropServices;
using ClipLit.Core.Processes;

namespace ClipLit.Cli.Commands;

/// <summary>
/// A command that runs in an executable of its own beside this app: <c>train</c> in cliplit-train
/// (it carries libtorch, which enhance and live neither ship nor load) and <c>bench</c> in
/// cliplit-bench. <see cref="Run"/> starts it with the same command line (the command name first)
/// and returns its exit code. Where it is looked for: <c>$CLIPLIT_TRAIN</c> / <c>$CLIPLIT_BENCH</c>
/// (the launcher sets them), else beside this app (a publish folder, a test's output folder), else
/// in <c>../train</c> / <c>../bench</c> from this app's folder (the launcher's layout:
/// .cliplit-build/bin, .cliplit-build/train, .cliplit-build/bench).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Command">The command it runs (the first argument it gets).</param>
/// <param name="Executable">Its file name.</param>
/// <param name="Variable">The environment variable naming its path.</param>
/// <param name="Folder">Its folder in the launcher's build folder, a sibling of this app's.</param>
/// <param name="Project">Its project, for the message saying how to build it.</param>
public sealed record SiblingApp(string Command, string Executable, string Variable, string Folder, string Project)
{
    public static readonly SiblingApp Trainer = new("train", "cliplit-train", "CLIPLIT_TRAIN", "train", "src/TrainerApp/ClipLit.TrainerApp.csproj");

    public static readonly SiblingApp Bench = new("bench", "cliplit-bench", "CLIPLIT_BENCH", "bench", "src/Bench/ClipLit.Bench.csproj");

    /// <summary>Set for the child when this app is the cliplit executable: its path (the bench times it).</summary>
    public const string ParentVariable = "CLIPLIT_APP";

    private const int SigInt = 2;

    /// <summary>
    /// Runs the sibling with <paramref name="args"/> and returns its exit code; 1 with one error
    /// line when it is not built or cannot start. On the console it inherits standard input, output
    /// and error (progress bars and Ctrl+C behave as if it ran alone: the terminal sends Ctrl+C to
    /// both processes, and this one's first Ctrl+C only cancels a token nothing here waits on, so it
    /// waits for the child to stop cleanly). With writers a caller substituted (tests), the child's
    /// output is copied into them and the context's cancellation reaches the child as SIGINT.
    /// </summary>
    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        string? executable = Find(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(Variable), out string problem);
        if (executable is null)
        {
            return context.Fail(problem);
        }
        bool console = ConsoleApp.WritesToConsole(context);
        var start = ChildProgram.StartInfo(executable, args);
        start.RedirectStandardOutput = start.RedirectStandardError = !console;
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == "cliplit") start.Environment[ParentVariable] = self;

        Process child;
        try
        {
            child = ChildProgram.Start(start);
        }
        catch (ChildProgramException e)
        {
            return context.Fail($"{executable}: cannot start {Executable} ({e.InnerException?.Message ?? e.Message})");
        }
        using (child)
        {
            if (console)
            {
                child.WaitForExit();
                return child.ExitCode;
            }
            using var interrupt = context.Cancellation.Register(() => Kill(child.Id, SigInt));
            var output = Copy(child.StandardOutput, context.Out);
            var error = Copy(child.StandardError, context.Error);
            child.WaitForExit();
            Task.WhenAll(output, error).GetAwaiter().GetResult();
            return child.ExitCode;
        }
    }

    /// <summary>The sibling's path, or null with one line saying what was looked for and how to build it.</summary>
    /// <param name="baseDirectory">This app's folder.</param>
    /// <param name="configured">The value of <see cref="Variable"/>, if set.</param>
    /// <param name="problem">Why it was not found (set whether or not it was).</param>
    public string? Find(string baseDirectory, string? configured, out string problem)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            problem = $"${Variable} is {configured}: no such file (it should name the {Executable} executable)";
            return File.Exists(configured) ? configured : null;
        }
        problem = $"'cliplit {Command}' runs in {Executable}, which is not built (not beside cliplit, not in ../{Folder}, ${Variable} not set): "
                  + $"run it through the repository's ./cliplit, which builds it, or build it: dotnet build {Project} -c Release -o .cliplit-build/{Folder}";
        string beside = Path.Combine(baseDirectory, Executable);
        string launcherLayout = Path.GetFullPath(Path.Combine(baseDirectory, "..", Folder, Executable));
        return File.Exists(beside) ? beside : File.Exists(launcherLayout) ? launcherLayout : null;
    }

    private static async Task Copy(StreamReader from, TextWriter to)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0) to.Write(buffer, 0, read);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int processId, int signal);
}
