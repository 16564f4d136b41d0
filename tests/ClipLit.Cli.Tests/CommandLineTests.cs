using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Commands;
using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>
/// The command line through System.CommandLine: help, usage errors with the nearest spelling, and
/// shell completion through the [suggest] directive the completion scripts call.
/// </summary>
[TestFixture]
public sealed class CommandLineTests
{
    private static readonly string[] Commands = ["enhance", "live", "cameras", "export", "train", "distill", "job", "models", "bench", "doctor", "completion"];

    [TestCase("cliplit enh", "enhance")]
    [TestCase("cliplit enhance --qua", "--quality")]
    [TestCase("cliplit enhance --qu", "--quality", "--quiet")]
    [TestCase("cliplit live --no-", "--no-smoothing", "--no-window")]
    [TestCase("cliplit enhance photo.jpg --quality ", "fast", "full")]
    [TestCase("cliplit live --device c", "cpu", "cuda")]
    [TestCase("cliplit models i", "install")]
    [TestCase("cliplit completion ", "--help", "-h", "bash", "zsh")]
    public void TheSuggestDirectiveCompletesTheWordAtTheCursor(string line, params string[] expected)
    {
        var result = Cli.Run($"[suggest:{line.Length}]", line);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(expected));
    }

    [Test]
    public void AfterTheProgramNameEveryCommandIsSuggested()
    {
        var result = Cli.Run("[suggest:8]", "cliplit ");
        Assert.That(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.SupersetOf(Commands));
    }

    [TestCase("bash", "complete -o default -F _cliplit_complete cliplit")]
    [TestCase("zsh", "compdef _cliplit cliplit")]
    public void CompletionPrintsAScriptThatAsksCliplitForSuggestions(string shell, string registration)
    {
        var result = Cli.Run("completion", shell);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("[suggest:").And.Contain(registration));
        Assert.That(result.Error, Is.Empty);
    }

    [Test]
    public void TheBashScriptCompletesThroughTheBuiltApp()
    {
        // As bash calls it on Tab after "<path>/cliplit enhance --qua" and the like; after "<path>/cliplit enhance " there are none (bash lists files).
        string cliplit = Path.Combine(AppContext.BaseDirectory, "cliplit");
        string Complete(string line, int word) => ChildProcess.Run("bash", "-c",
            $"source <(\"{cliplit}\" completion bash) && COMP_LINE='{line}' && COMP_POINT=${{#COMP_LINE}} && read -ra COMP_WORDS <<<\"$COMP_LINE \" && COMP_CWORD={word} "
            + "; _cliplit_complete; echo \"${COMPREPLY[*]}\"").Out;

        Assert.That(Complete($"{cliplit} enhance --qua", 2), Is.EqualTo("--quality\n"));
        Assert.That(Complete($"{cliplit} completion ", 2), Is.EqualTo("bash zsh\n"), "options only once a '-' is typed");
        Assert.That(Complete($"{cliplit} liv", 1), Is.EqualTo("live\n"));
        Assert.That(Complete($"{cliplit} enhance ", 2), Is.EqualTo("\n"), "file names: the shell's own completion");
    }

    [Test]
    public void NoArgumentsPrintTheHelpWithUsageStatus()
    {
        var bare = Cli.Run();
        var help = Cli.Run("--help");
        Assert.That(bare.ExitCode, Is.EqualTo(2));
        Assert.That(help.ExitCode, Is.EqualTo(0));
        Assert.That(bare.Out, Is.EqualTo(help.Out));
        Assert.That(help.Out, Does.StartWith("Description:\n  ClipLit: backlit photo and video enhancement"));
        foreach (string command in Commands) Assert.That(help.Out, Does.Contain($"\n  {command} "), command);
        Assert.That(help.Out, Does.Contain("source <(cliplit completion bash)"));
    }

    [TestCase("enhance", "in.mp4", "-o", "out.mp4")]
    [TestCase("live", "--input", "in.mp4", "--no-window")]
    [TestCase("job", "create", "in.mp4", "-o", "out.mp4", "--dir", "job")]
    public void SmoothingModesThatContradictEachOtherAreAUsageErrorBeforeAnyWork(params string[] command)
    {
        var result = Cli.Run([.. command, "--no-smoothing", "--smoothing", "motion"]);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.StartWith("usage error: ").And.EndWith("--no-smoothing contradicts --smoothing motion"));
        Assert.That(Cli.Run([.. command, "--smoothing", "fuzzy"]).ErrorLines, Has.One.EndWith("--smoothing must be off, plain or motion, got 'fuzzy'"));
    }

    [Test]
    public void EveryOptionOfEnhanceIsInItsHelpWithTheExplanationsAndExitStatus()
    {
        var help = Cli.Run("enhance", "--help");
        Assert.That(help.ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("enhance", "-h").Out, Is.EqualTo(help.Out));
        Assert.That(Cli.Run("help", "enhance").Out, Is.EqualTo(help.Out));
        Assert.That(help.Out, Does.StartWith("Description:\n  enhance photos and videos: cliplit enhance <file|folder|pattern>... -o <file|folder>\n"));
        foreach (string option in new[]
                 {
                     "-o, --output <PATH>", "-m, --model <PATH>", "-d, --device <auto|cpu|cuda>", "--overwrite", "--skip-existing", "--memory-budget <SIZE>",
                     "--jpeg-quality <N>", "-q, --quiet", "-v, --verbose", "--quality <fast|full>", "--fast-size <N>", "--upsample <bilinear|edge-aware>",
                     "--smoothing <motion|off|plain>", "--no-smoothing", "--codec <NAME>", "--crf <N>", "--bitrate <RATE>", "--preset <NAME>", "--fps <N>", "-h, --help",
                 })
            Assert.That(help.Out, Does.Contain($"\n  {option} "), option);
        Assert.That(help.Out, Does.Contain("Image sequences:\n  Image sequences are videos too"));
        Assert.That(help.Out, Does.Contain("Exit status:\n  0 all inputs enhanced, 1 some failed"));
        Assert.That(help.Out.Split('\n'), Has.All.Length.LessThanOrEqualTo(100).And.Not.EndsWith(" "));
    }

    [Test]
    public void LiveAndEnhanceShareTheNetworkOptionsDescriptions()
    {
        string enhance = Cli.Run("enhance", "--help").Out, live = Cli.Run("live", "--help").Out;
        foreach (string option in new[] { "--quality <fast|full>", "--fast-size <N>", "--smoothing <motion|off|plain>", "--no-smoothing", "-m, --model <PATH>", "-d, --device <auto|cpu|cuda>" })
        {
            // The option's row and the lines its description wraps onto, as words (the columns differ in width).
            string Row(string help) => string.Join(' ', help.Split('\n')
                .SkipWhile(l => !l.StartsWith($"  {option} ", StringComparison.Ordinal))
                .TakeWhile((l, i) => i == 0 || l.StartsWith("      ", StringComparison.Ordinal))
                .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            Assert.That(Row(live), Is.EqualTo(Row(enhance)).And.Not.Empty, option);
        }
        Assert.That(live, Does.Contain("Keys:\n  S ").And.Contain("Esc    quit").And.Contain("Exit status:"));
    }

    [TestCase(new[] { "enhnace" }, "unknown command 'enhnace', did you mean 'enhance'? (commands: enhance, live, cameras, export, train, distill, job, models, bench, doctor, completion)")]
    [TestCase(new[] { "enhance", "photo.png", "-o", "out.png", "--qualty", "fast" }, "enhance: unknown option '--qualty', did you mean '--quality'? (see 'cliplit enhance --help')")]
    [TestCase(new[] { "live", "--input", "clip.mp4", "--no-windw" }, "live: unknown option '--no-windw', did you mean '--no-window'? (see 'cliplit live --help')")]
    [TestCase(new[] { "enhance", "photo.png", "-o", "out.png", "--frobnicate" }, "enhance: unknown option '--frobnicate' (see 'cliplit enhance --help')")]
    [TestCase(new[] { "enhance", "photo.png", "-o", "out.png", "-qx" }, "enhance: unknown option '-qx', did you mean '-q'? (see 'cliplit enhance --help')")]
    [TestCase(new[] { "enhance", "photo.png" }, "enhance: -o/--output is required (a file, or a folder for several inputs)")]
    [TestCase(new[] { "enhance", "photo.png", "-o" }, "enhance: option '-o' needs a value")]
    [TestCase(new[] { "enhance", "photo.png", "-o", "a.png", "--output", "b.png" }, "enhance: option '--output' is given twice")]
    [TestCase(new[] { "enhance", "photo.png", "-o", "a.png", "--overwrite=yes" }, "enhance: option '--overwrite' takes no value")]
    [TestCase(new[] { "enhance", "photo.png", "-o", "a.png", "--device", "tpu" }, "enhance: --device must be auto, cpu or cuda, got 'tpu'")]
    [TestCase(new[] { "live", "--input", "clip.mp4", "--quality", "best" }, "live: --quality must be fast or full, got 'best'")]
    [TestCase(new[] { "live", "--input", "clip.mp4", "--side-by-side" }, "live: --side-by-side needs --compare PATH")]
    [TestCase(new[] { "export", "--checkpoint", "x.pth", "-o", "x.onnx", "extra" }, "export: unexpected argument 'extra'")]
    [TestCase(new[] { "models", "remove" }, "models: unknown command 'remove' (commands: install)")]
    [TestCase(new[] { "completion", "fish" }, "completion: the shell must be bash or zsh, got 'fish'")]
    public void AUsageErrorIsOneLineWithExitCodeTwo(string[] args, string message)
    {
        var result = Cli.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Out, Is.Empty);
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { $"usage error: {message}" }));
    }

    [Test]
    public void AFileNamedLikeAnOptionIsAnInputAfterTheDoubleDash()
    {
        var result = Cli.Run("enhance", "-o", "out/", "--", "-photo.png");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.StartWith("error: -photo.png: no such file"));
    }

    [Test]
    public void VersionNamesTheApp()
    {
        var result = Cli.Run("--version");
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Out, Is.EqualTo($"cliplit {typeof(Program).Assembly.GetName().Version}\n"));
    }

    [Test]
    public void TheLiveBenchesCommandLineIsParsedAsLivesOptions()
    {
        var quiet = new CliContext(new StringWriter(), new StringWriter(), false, CancellationToken.None);
        int exit = LiveCommand.Run(["--input", "clip.mp4", "--frames", "0"], quiet, out var statistics);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(statistics, Is.Null);
        Assert.That(quiet.Error.ToString(), Is.EqualTo("usage error: live: --frames must be an integer from 1 to 2147483647, got '0'\n"));
    }

    [Test]
    public void AValueWithANewlineOrOfAnyLengthIsOneShortUsageLine()
    {
        var broken = Cli.Run("enhance", "photo.png", "-o", "a.png", "--strength", "1\n2\"");
        Assert.That(broken.ExitCode, Is.EqualTo(2));
        Assert.That(broken.Error, Is.EqualTo("usage error: enhance: --strength must be a number from 0 to 2, got '1\\n2\\\"'\n"));
        var huge = Cli.Run("live", "--input", "clip.mp4", "--frames", new string('9', 100_000));
        Assert.That(huge.ExitCode, Is.EqualTo(2));
        Assert.That(huge.ErrorLines.Single(), Has.Length.LessThan(120).And.EndsWith("...'"));
    }

    [Test]
    public void HelpTextIsWhatHelpPrints() =>
        Assert.That(CommandLineApp.HelpText(Program.CreateRoot(CliContext.Silent), "export") + "\n", Is.EqualTo(Cli.Run("export", "--help").Out));

    [Test]
    public void AnExceptionNoCommandExpectedBecomesOneLineAndExitOne()
    {
        // The net under every command's own error handling: never a stack trace.
        var command = new System.CommandLine.Command("boom");
        command.SetAction(int (_) => throw new InvalidOperationException("the thing\nthat broke"));
        var error = new StringWriter();
        int exit = CommandLineApp.Run(command, [], new CliContext(TextWriter.Null, error, ErrorIsTerminal: false, CancellationToken.None));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error.ToString().TrimEnd().Split('\n'), Is.EqualTo(new[]
        {
            "error: the thing that broke (InvalidOperationException: unexpected; please report it with the command that led to it)",
        }));
    }
}
