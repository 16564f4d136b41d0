using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;

namespace ClipLit.Cli.CommandLine;

/// <summary>
/// Runs the apps' command lines through System.CommandLine: builds an app's root command (help
/// with <see cref="AppCommand.HelpSections"/>, <c>--version</c>, the <c>[suggest]</c> directive
/// shell completion calls) and runs a command line against it with the context's writers, every
/// usage error (a parse error, or a <see cref="UsageException"/> from a command) ending as one
/// line <c>usage error: ...</c> on standard error and exit code 2.
/// Thread-safety: a root and its commands are built per run; nothing here is shared.
/// </summary>
public static class CommandLineApp
{
    /// <summary>How the apps name themselves in help and messages: the command line is cliplit's, whichever executable runs it.</summary>
    public const string Name = "cliplit";

    /// <summary>Help lines wrap at this width, or the terminal's where narrower.</summary>
    private const int HelpWidth = 100;

    /// <summary>
    /// Words are taken as written: no response files (<c>@file</c> is a file name) and no POSIX
    /// bundling (which would read <c>-qx</c> as <c>-q x</c>, an input named x).
    /// </summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    /// <summary>
    /// An app's root command: <paramref name="commands"/> under it, <c>-h/--help</c> (generated
    /// help and the commands' help sections, wrapped to the context's terminal; the root's own
    /// <paramref name="sections"/> after its command list), <c>--version</c>
    /// ("<paramref name="executable"/> VERSION") and the <c>[suggest:POSITION]</c> directive.
    /// </summary>
    public static RootCommand Root(string executable, string description, IReadOnlyList<(string Heading, string Text)> sections, Assembly app, CliContext context,
        params IEnumerable<Command> commands)
    {
        var root = new RootCommand(description) { HelpName = Name };
        // Parsed from a whole line (the [suggest] directive), the first word is the executable: cliplit, whatever runs it (a test host).
        if (root.Name != Name) root.Aliases.Add(Name);
        root.Options.Clear();
        // Not System.CommandLine's "/h", "-?" and "/?" spellings: "/h" can be a path.
        root.Options.Add(new HelpOption("--help", "-h") { Action = new HelpWithSectionsAction(HelpWidthFor(context), sections) });
        root.Options.Add(new VersionOption { Action = new PrintAction($"{executable} {app.GetName().Version}") });
        foreach (var command in commands) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>
    /// Runs one command line against <paramref name="root"/> (an app's root, or a single command
    /// parsed alone); never throws for usage errors. No arguments print the root's help with exit
    /// code 2; <c>help [COMMAND]</c> is <c>[COMMAND] --help</c>; a <see cref="ForwardedCommand"/>
    /// gets its command line unparsed.
    /// </summary>
    public static int Run(Command root, IReadOnlyList<string> args, CliContext context)
    {
        if (args.Count == 0 && root is RootCommand)
        {
            WriteHelp(root, [], context);
            return ExitCodes.Usage;
        }
        if (args.Count > 0 && args[0] == "help") args = [.. args.Skip(1), "--help"];
        if (args.Count > 0 && root.Subcommands.OfType<ForwardedCommand>().FirstOrDefault(c => c.Name == args[0]) is { } forwarded)
            return forwarded.Run(args, context);

        var result = root.Parse(args, Parsing);
        if (result.Action is ParseErrorAction || result.Action == result.CommandResult.Command.Action)
        {
            if (UsageError(result, args) is { } problem) return Usage(context, problem);
        }
        try
        {
            return result.Invoke(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,  // ConsoleApp turns Ctrl+C into the context's cancellation
            });
        }
        catch (UsageException e)
        {
            return Usage(context, e.Message);
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            // Every expected failure is turned into its own line where it happens; this is the net under them all:
            // still one line and a failure status, never a stack trace.
            context.Error.WriteLine(UnexpectedFailureLine(e));
            return ExitCodes.SomeFailed;
        }
    }

    /// <summary>The one line an exception that no command expected becomes.</summary>
    public static string UnexpectedFailureLine(Exception e)
    {
        string message = (e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e).Message;
        return $"error: {message.ReplaceLineEndings(" ").Trim()} ({e.GetType().Name}: unexpected; please report it with the command that led to it)";
    }

    /// <summary>The help <c>COMMAND... --help</c> prints, without its final line break (for tests and documentation).</summary>
    public static string HelpText(Command root, params string[] command)
    {
        var output = new StringWriter();
        WriteHelp(root, command, new CliContext(output, TextWriter.Null, false, CancellationToken.None));
        return output.ToString()[..^1];
    }

    private static void WriteHelp(Command root, string[] command, CliContext context) =>
        root.Parse([.. command, "--help"], Parsing).Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error });

    private static int Usage(CliContext context, string problem)
    {
        context.Error.WriteLine($"usage error: {problem}");
        return ExitCodes.Usage;
    }

    private static int HelpWidthFor(CliContext context)
    {
        if (!ConsoleApp.WritesToConsole(context) || Console.IsOutputRedirected) return HelpWidth;
        try
        {
            return Console.WindowWidth is > 20 and var width ? Math.Min(width, HelpWidth) : HelpWidth;
        }
        catch (IOException)
        {
            return HelpWidth;
        }
    }

    /// <summary>
    /// The one line that says what is wrong with the command line, or null: a flag given a value,
    /// an unknown option or command (with the nearest spelling, when one is close), since they
    /// explain any other error, then the first of System.CommandLine's errors, prefixed by the
    /// command's name.
    /// </summary>
    private static string? UsageError(ParseResult result, IReadOnlyList<string> args)
    {
        var command = result.CommandResult.Command;
        string prefix = command is RootCommand ? "" : $"{command.Name}: ";
        string help = $"see '{string.Join(' ', CommandPath(result.CommandResult))} --help'";

        if (FlagGivenAValue(result, args) is { } flag) return $"{prefix}option '{flag}' takes no value";
        if ((result.UnmatchedTokens.FirstOrDefault() ?? OptionTakenAsArgument(result)) is { } unknown)
        {
            if (unknown.Length > 1 && unknown[0] == '-')
                return $"{prefix}unknown option '{unknown}'{DidYouMean(unknown, Spellings(result.CommandResult))} ({help})";
            var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            if (commands.Count > 0)
                return $"{prefix}unknown command '{unknown}'{DidYouMean(unknown, commands)} (commands: {string.Join(", ", commands)})";
            return $"{prefix}unexpected argument '{unknown}'";
        }
        if (result.Errors.Count == 0) return null;
        var error = result.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult { Tokens.Count: 0, Option.Arity.MinimumNumberOfValues: > 0 } option => $"{prefix}option '{Spelling(option)}' needs a value",
            OptionResult { IdentifierTokenCount: > 1 } option => $"{prefix}option '{SecondSpelling(result, option)}' is given twice",
            _ => prefix + error.Message.TrimEnd('.'),
        };
    }

    /// <summary>
    /// An unknown option System.CommandLine took as one of the command's arguments (an input
    /// file): a word starting with '-' (not '-' alone, not after '--'), which it does not report.
    /// </summary>
    private static string? OptionTakenAsArgument(ParseResult result)
    {
        int optionsEnd = result.Tokens.Count;
        for (int i = 0; i < result.Tokens.Count; i++)
            if (result.Tokens[i].Type == TokenType.DoubleDash)
            {
                optionsEnd = i;
                break;
            }
        var beforeEnd = result.Tokens.Take(optionsEnd).ToList();
        return result.CommandResult.Children.OfType<ArgumentResult>()
            .SelectMany(argument => argument.Tokens)
            .FirstOrDefault(token => token.Value is ['-', _, ..] && beforeEnd.Any(t => ReferenceEquals(t, token)))?.Value;
    }

    /// <summary>A flag written with a value, "--overwrite=yes": System.CommandLine splits the word and takes "yes" as the next argument.</summary>
    private static string? FlagGivenAValue(ParseResult result, IReadOnlyList<string> args) =>
        result.CommandResult.Children.OfType<OptionResult>()
            .Where(option => option.Option.Arity.MaximumNumberOfValues == 0)
            .Select(Spelling)
            .FirstOrDefault(flag => args.Any(a => a.StartsWith(flag + "=", StringComparison.Ordinal) || a.StartsWith(flag + ":", StringComparison.Ordinal)));

    /// <summary>How the option was written the second time it was given.</summary>
    private static string SecondSpelling(ParseResult result, OptionResult option) =>
        result.Tokens.Where(t => t.Type == TokenType.Option && (t.Value == option.Option.Name || option.Option.Aliases.Contains(t.Value)))
            .Skip(1).FirstOrDefault()?.Value ?? Spelling(option);

    private static string Spelling(OptionResult option) => option.IdentifierToken?.Value ?? option.Option.Name;

    /// <summary>Every spelling of every option the command accepts, its ancestors' recursive ones (help) included.</summary>
    private static IEnumerable<string> Spellings(CommandResult command)
    {
        IEnumerable<Option> options = command.Command.Options;
        for (var parent = command.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
            options = options.Concat(parent.Command.Options.Where(o => o.Recursive));
        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
    }

    /// <summary>How the command is called: "cliplit enhance" (a command parsed alone, as the live bench does, is still cliplit's).</summary>
    private static IEnumerable<string> CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (SymbolResult? result = command; result is CommandResult level; result = level.Parent)
            if (level.Command is not RootCommand) names.Push(level.Command.Name);
        names.Push(Name);
        return names;
    }

    /// <summary>", did you mean 'X'?" for the candidates nearest to <paramref name="word"/> (few edits, or it is their start), else "".</summary>
    private static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        int allowed = Math.Clamp(word.TrimStart('-').Length / 3, 1, 3);
        var near = candidates.Distinct()
            .Select(c => (Candidate: c, Distance: c.StartsWith(word, StringComparison.Ordinal) && word.TrimStart('-').Length >= 2 ? 0 : EditDistance(word, c)))
            .Where(c => c.Distance <= allowed)
            .ToList();
        if (near.Count == 0) return "";
        int best = near.Min(c => c.Distance);
        return $", did you mean {string.Join(" or ", near.Where(c => c.Distance == best).Select(c => $"'{c.Candidate}'"))}?";
    }

    /// <summary>Levenshtein distance: the fewest insertions, deletions and substitutions turning one word into the other.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>System.CommandLine's generated help for the command, then its <see cref="AppCommand.HelpSections"/>.</summary>
    private sealed class HelpWithSectionsAction(int width, IReadOnlyList<(string Heading, string Text)> rootSections) : SynchronousCommandLineAction
    {
        private readonly HelpAction _generated = new() { MaxWidth = width };

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            // The generated help, its lines without the spaces its wrapping leaves at their ends.
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            var generated = new StringWriter();
            configuration.Output = generated;
            try
            {
                _generated.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }
            var blocks = new List<string> { string.Join('\n', generated.ToString().TrimEnd().Split('\n').Select(line => line.TrimEnd())) };
            var sections = parseResult.CommandResult.Command switch
            {
                AppCommand command => command.HelpSections,
                RootCommand => rootSections,
                _ => [],
            };
            foreach (var (heading, text) in sections)
                blocks.Add($"{heading}:\n" + string.Join('\n', text.TrimEnd().Split('\n').Select(line => line.Length == 0 ? "" : $"  {line}")));
            // Blocks apart by a blank line, as System.CommandLine sets its sections apart.
            output.WriteLine(string.Join("\n\n", blocks));
            return ExitCodes.Success;
        }
    }

    /// <summary>Prints a fixed text (the version) and succeeds.</summary>
    private sealed class PrintAction(string text) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(text);
            return ExitCodes.Success;
        }
    }
}
