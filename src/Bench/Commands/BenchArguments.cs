namespace ClipLit.Bench.Commands;

/// <summary>
/// The spellings of <c>cliplit bench</c> kept from before the subcommands, turned into theirs before
/// parsing: <c>bench</c> alone and <c>bench</c> followed by one of photos' options are
/// <c>bench photos ...</c>; a mode flag of the release before (<c>bench --video ...</c>) is its
/// subcommand (<c>bench video ...</c>), with a note saying so. The flags go in the next release.
/// Any other command line is left to the parser (an unknown option stays bench's usage error).
/// Thread-safety: stateless.
/// </summary>
public static class BenchArguments
{
    /// <summary>The mode flags of the release before, and the subcommand each now is.</summary>
    private static readonly Dictionary<string, string> ModeFlags = new(StringComparer.Ordinal)
    {
        ["--video"] = "video",
        ["--live"] = "live",
        ["--gpu"] = "gpu",
        ["--train"] = "train",
        ["--distill"] = "distill",
        ["--jobs"] = "jobs",
    };

    /// <param name="args">The whole command line (<c>bench</c> first when it is a bench command line).</param>
    /// <param name="bench">The bench command (its subcommands and the default's options).</param>
    /// <param name="log">Where the note on an old flag goes.</param>
    public static IReadOnlyList<string> Normalize(IReadOnlyList<string> args, BenchCommand bench, TextWriter log)
    {
        if (args.Count == 0 || args[0] != bench.Name) return args;
        if (args.Count == 1) return [bench.Name, BenchCommand.DefaultSubcommand];
        if (bench.Subcommands.Any(c => c.Name == args[1])) return args;

        var modes = args.Skip(1).Where(ModeFlags.ContainsKey).Distinct().ToList();
        if (modes is [var flag])
        {
            string subcommand = ModeFlags[flag];
            log.WriteLine($"note: 'bench {flag}' is now 'bench {subcommand}'; the flag goes in the next release");
            return [bench.Name, subcommand, .. args.Skip(1).Where(a => a != flag)];
        }
        var photos = bench.Subcommands.Single(c => c.Name == BenchCommand.DefaultSubcommand);
        bool photosOption = photos.Options.Any(o => o.Name == args[1] || o.Aliases.Contains(args[1]));
        return photosOption ? [bench.Name, BenchCommand.DefaultSubcommand, .. args.Skip(1)] : args;
    }
}
