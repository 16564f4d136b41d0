using System.CommandLine;
using ClipLit.Cli.CommandLine;
using ClipLit.Trainer.Training;

namespace ClipLit.TrainerApp;

/// <summary>
/// Where train and distill begin, from --out and --resume: a resumed run takes the options it was
/// started with (those that may be given anew replaced, <see cref="RecordOptions{TRecord}.ApplyOnResume"/>)
/// and its newest snapshot; a new one takes the command line's options, checked.
/// Thread-safety: immutable.
/// </summary>
internal sealed record RunStart<TOptions>(RunFolder Run, TOptions Options, bool Resuming, string? ResumeFrom) where TOptions : class, IRunOptions
{
    /// <param name="command">Names the command in a usage error.</param>
    /// <param name="args">The parsed command line.</param>
    /// <param name="output">--out RUN_DIR (required).</param>
    /// <param name="resume">--resume.</param>
    /// <param name="settings">The options bound to the record; on --resume, those that may be given anew.</param>
    /// <param name="fromArguments">A new run's options, given --out as typed.</param>
    /// <exception cref="UsageException">A new run's options have a problem.</exception>
    public static RunStart<TOptions> Read(string command, ParseResult args, Option<string?> output, Option<bool> resume, RecordOptions<TOptions> settings,
        Func<string, TOptions> fromArguments)
    {
        string folder = args.GetValue(output)!;
        var run = new RunFolder(folder);
        if (args.GetValue(resume)) return new(run, settings.ApplyOnResume(args, run.ReadOptions<TOptions>()), Resuming: true, run.LatestState());
        var options = fromArguments(folder);
        if (options.FindProblem() is { } problem) throw new UsageException($"{command}: {problem}");
        return new(run, options, Resuming: false, ResumeFrom: null);
    }

    /// <summary>What a new run says where its folder already holds a run.</summary>
    public string HoldsARun => $"{Run.Root}: already holds a run (use --resume to continue it, or another --out)";
}
