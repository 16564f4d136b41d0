using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ClipLit.Cli.CommandLine;

/// <summary>Parses an option's text; false when the text is not a valid value.</summary>
public delegate bool ValueParser<T>(string text, out T value);

/// <summary>
/// The kinds of option the apps' commands take, as System.CommandLine options. A value is parsed
/// and checked while the command line is parsed: a bad one is a parse error whose message has the
/// form the commands have always used, "--name must be EXPECTED, got 'TEXT'" (the app prefixes
/// the command's name and prints it as its usage error). Options left out read as null (flags as
/// false); defaults are the command's to apply (they are in the descriptions).
/// Thread-safety: each call builds new options.
/// </summary>
public static class Define
{
    /// <summary>A flag (no value), e.g. <c>Flag("--quiet", "print only errors", "-q")</c>.</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>An option taking any text, e.g. a path; <paramref name="placeholder"/> names it in help (PATH, DIR...).</summary>
    public static Option<string?> Text(string name, string placeholder, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = placeholder };

    /// <summary>An option taking text that <paramref name="valid"/> accepts (else "--name must be <paramref name="expected"/>, got ...").</summary>
    public static Option<string?> Text(string name, string placeholder, string description, Func<string, bool> valid, string expected, params string[] aliases)
    {
        var option = Text(name, placeholder, description, aliases);
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && !valid(text)) result.AddError(Problem(name, expected, text));
        });
        return option;
    }

    /// <summary>An integer from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int?> Integer(string name, string placeholder, int min, int max, string description, params string[] aliases) =>
        Parsed<int>(name, placeholder, description, (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
            $"an integer from {min} to {max}", aliases);

    /// <summary>A finite number, e.g. 2e-5.</summary>
    public static Option<double?> Number(string name, string placeholder, string description, params string[] aliases) =>
        Parsed<double>(name, placeholder, description, (string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value),
            "a number", aliases);

    /// <summary>One of a few words, each standing for a value; completion offers the words, help lists them.</summary>
    public static Option<T?> Choice<T>(string name, string description, IReadOnlyList<(string Word, T Value)> choices, params string[] aliases) where T : struct
    {
        var words = choices.Select(c => c.Word).ToArray();
        var option = Parsed(name, null, description, (string text, out T value) =>
        {
            foreach (var (word, choice) in choices)
                if (word == text)
                {
                    value = choice;
                    return true;
                }
            value = default;
            return false;
        }, words.Length == 2 ? $"{words[0]} or {words[1]}" : $"{string.Join(", ", words[..^1])} or {words[^1]}", aliases);
        option.CompletionSources.Add(words);
        return option;
    }

    /// <summary>
    /// A value <paramref name="parse"/> reads from the option's text (else "--name must be
    /// <paramref name="expected"/>, got ..."); <paramref name="placeholder"/> names it in help, or
    /// null where completion words name it.
    /// </summary>
    public static Option<T?> Parsed<T>(string name, string? placeholder, string description, ValueParser<T> parse, string expected, params string[] aliases) where T : struct
    {
        var option = new Option<T?>(name, aliases)
        {
            Description = description,
            HelpName = placeholder,
            CustomParser = result => Parse(result, name, parse, expected),
        };
        option.CompletionSources.Clear();  // not System.CommandLine's own for enums (every member's name, in two cases): the caller's words
        return option;
    }

    private static T? Parse<T>(ArgumentResult result, string name, ValueParser<T> parse, string expected) where T : struct
    {
        if (result.Tokens is not [{ Value: var text }]) return null;  // missing or repeated: System.CommandLine reports it
        if (parse(text, out T value)) return value;
        result.AddError(Problem(name, expected, text));
        return null;
    }

    // The value escaped and cut: one short line whatever was typed (a pasted newline, a megabyte).
    private static string Problem(string name, string expected, string text) => $"{name} must be {expected}, got '{ClipLit.Core.Text.OneLine.Escaped(text)}'";
}
