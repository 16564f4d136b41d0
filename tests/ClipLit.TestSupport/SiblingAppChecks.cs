using NUnit.Framework;

namespace ClipLit.TestSupport;

/// <summary>
/// Checks of the built cliplit beside the test assembly running a command in its own executable
/// (train: cliplit-train, bench: cliplit-bench), for the test projects that build both.
/// </summary>
public static class SiblingAppChecks
{
    /// <summary>The built cliplit executable, beside the test assembly.</summary>
    public static string Cliplit => Path.Combine(AppContext.BaseDirectory, "cliplit");

    /// <summary>
    /// <c>cliplit COMMAND --help</c> prints the sibling's <paramref name="help"/> on the standard
    /// output it inherited; a bad option gets the sibling's usage line and exit code 2.
    /// </summary>
    public static void BuiltAppRunsTheCommandInItsSibling(string command, string help)
    {
        var shown = ChildProcess.Run(Cliplit, command, "--help");
        Assert.That(shown.ExitCode, Is.EqualTo(0), shown.ToString());
        Assert.That(shown.Out, Is.EqualTo(help + "\n"));
        Assert.That(shown.Error, Is.Empty);

        var bad = ChildProcess.Run(Cliplit, command, "--no-such-option");
        Assert.That(bad.ExitCode, Is.EqualTo(2), bad.ToString());
        Assert.That(bad.ErrorLines, Is.EqualTo(new[] { $"usage error: {command}: unknown option '--no-such-option' (see 'cliplit {command} --help')" }));
    }
}
