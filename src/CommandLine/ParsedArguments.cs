namespace ClipLit.Cli.CommandLine;

/// <summary>The command line was wrong; the message says how. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Which options a command accepts: those taking a value and plain flags, by every spelling.</summary>
public sealed class OptionSpec
{
    private readonly Dictionary<string, (string Name, bool TakesValue)> _spellings = new(StringComparer.Ordinal);

    /// <summary>Every command accepts -h/--help.</summary>
    public OptionSpec() => Flag("help", "-h", "--help");

    /// <summary>Declares an option taking a value, e.g. <c>Value("output", "-o", "--output")</c>.</summary>
    public OptionSpec Value(string name, params string[] spellings) => Add(name, true, spellings);

    /// <summary>Declares a flag, e.g. <c>Flag("quiet", "-q", "--quiet")</c>.</summary>
    public OptionSpec Flag(string name, params string[] spellings) => Add(name, false, spellings);

    internal bool TryResolve(string spelling, out (string Name, bool TakesValue) option) => _spellings.TryGetValue(spelling, out option);

    private OptionSpec Add(string name, bool takesValue, string[] spellings)
    {
        foreach (var spelling in spellings) _spellings[spelling] = (name, takesValue);
        return this;
    }
}

/// <summary>
/// A command's arguments split into options and positionals. Supports <c>--name value</c>,
/// <c>--name=value</c>, <c>-o value</c>, flags, and <c>--</c> to end options.
/// Thread-safety: immutable after parsing.
/// </summary>
public sealed class ParsedArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private ParsedArguments(string command) => Command = command;

    public string Command { get; }

    public List<string> Positionals { get; } = [];

    /// <exception cref="UsageException">An option is unknown, repeated or missing its value.</exception>
    public static ParsedArguments Parse(string command, IEnumerable<string> arguments, OptionSpec spec)
    {
        var parsed = new ParsedArguments(command);
        using var it = arguments.GetEnumerator();
        bool optionsEnded = false;
        while (it.MoveNext())
        {
            string argument = it.Current;
            if (optionsEnded || argument == "-" || !argument.StartsWith('-'))
            {
                parsed.Positionals.Add(argument);
                continue;
            }
            if (argument == "--")
            {
                optionsEnded = true;
                continue;
            }

            string spelling = argument, inlineValue = "";
            bool hasInlineValue = false;
            int equals = argument.IndexOf('=');
            if (argument.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                spelling = argument[..equals];
                inlineValue = argument[(equals + 1)..];
                hasInlineValue = true;
            }
            if (!spec.TryResolve(spelling, out var option))
                throw new UsageException($"{command}: unknown option '{spelling}' (see 'cliplit {command} --help')");

            if (!option.TakesValue)
            {
                if (hasInlineValue) throw new UsageException($"{command}: option '{spelling}' takes no value");
                parsed._flags.Add(option.Name);
                continue;
            }
            string value;
            if (hasInlineValue) value = inlineValue;
            else if (it.MoveNext()) value = it.Current;
            else throw new UsageException($"{command}: option '{spelling}' needs a value");
            if (!parsed._values.TryAdd(option.Name, value))
                throw new UsageException($"{command}: option '{spelling}' is given twice");
        }
        return parsed;
    }

    /// <summary>
    /// Parses like <see cref="Parse"/>; when -h/--help is given, prints <paramref name="help"/> and
    /// returns null (the command then exits successfully).
    /// </summary>
    public static ParsedArguments? ParseOrShowHelp(string command, IEnumerable<string> arguments, OptionSpec spec, string help, TextWriter output)
    {
        var parsed = Parse(command, arguments, spec);
        if (!parsed.Has("help")) return parsed;
        output.WriteLine(help);
        return null;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>An integer option within [min, max], or <paramref name="fallback"/> when absent.</summary>
    public int Int(string name, int fallback, int min, int max)
    {
        var text = Value(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, out int value) || value < min || value > max)
            throw new UsageException($"{Command}: --{name} must be an integer from {min} to {max}, got '{text}'");
        return value;
    }
}
