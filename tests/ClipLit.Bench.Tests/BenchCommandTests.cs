using ClipLit.Bench.Commands;
using ClipLit.TestSupport;

namespace ClipLit.Bench.Tests;

/// <summary>
/// <c>cliplit bench</c> runs in cliplit-bench, which the runtime app starts with the same command
/// line; each benchmark is a subcommand with its own options, the spellings of the release before
/// still choose one, and the GPU bench refuses clearly where there is no CUDA.
/// </summary>
[TestFixture]
public sealed class BenchCommandTests
{
    [TestCase("gpu")]
    [TestCase("--gpu")]
    public void TheGpuBenchSaysWhyItCannotRunWithoutCuda(string spelling)
    {
        if (NvidiaDriver.Present()) Assert.Ignore("an NVIDIA driver is present: the GPU bench would run rather than refuse");
        string folder = Directory.CreateTempSubdirectory("cliplit-bench-").FullName;
        try
        {
            string report = Path.Combine(folder, "benchmarks.md");
            var bench = CliplitBench.Run("bench", spelling, "--output", report);
            Assert.That(bench.ExitCode, Is.EqualTo(1), bench.ToString());
            Assert.That(bench.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
                Is.EqualTo("error: bench gpu needs the zero-copy CUDA path: NVIDIA driver (CUDA driver API): no NVIDIA driver (libcuda.so.1 not found) (cliplit doctor lists each link)"));
            Assert.That(bench.ErrorLines.Where(l => l.StartsWith("note:", StringComparison.Ordinal)),
                spelling == "gpu" ? Is.Empty : Is.EqualTo(new[] { "note: 'bench --gpu' is now 'bench gpu'; the flag goes in the next release" }));
            Assert.That(File.Exists(report), Is.False, "nothing measured, nothing written");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("live", "--model", "missing.pth", "missing.pth: no such file")]
    [TestCase("video", "--model", "not-a-model.pth", "not-a-model.pth:")]
    [TestCase("jobs", "--fast-model", "not-a-model.pth", "not-a-model.pth:")]
    [TestCase("train", "--output", "", "--output needs a file")]
    [TestCase("photos", "--output", "read-only/benchmarks.md", "cannot be written there (Read-only file system)")]
    public void ABadModelOrReportIsOneLineBeforeAnythingIsMeasured(string bench, string option, string value, string expected)
    {
        string folder = Directory.CreateTempSubdirectory("cliplit-bench-").FullName;
        // A read-only mount: refused to root too, unlike a folder's permissions.
        using var readOnly = TmpfsMount.Create(1_000_000, readOnly: true);
        try
        {
            File.WriteAllText(Path.Combine(folder, "not-a-model.pth"), "not a checkpoint");
            string argument = value.Length == 0 ? "" : value.StartsWith("read-only/", StringComparison.Ordinal)
                ? Path.Combine(readOnly.Path, value["read-only/".Length..]) : Path.Combine(folder, value);
            var result = CliplitBench.Run("bench", bench, option, argument);
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
            Assert.That(result.ErrorLines[0], Does.StartWith("usage error: bench: " + option).And.Contain(expected));
            Assert.That(Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName), Is.EqualTo(new[] { "not-a-model.pth" }), "nothing measured, nothing written");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TheBuiltAppStartsTheBenchWhichWritesToTheSameStandardStreams() =>
        SiblingAppChecks.BuiltAppRunsTheCommandInItsSibling("bench", BenchCommand.Help);

    [Test]
    public void InProcessTheBenchsOutputGoesToTheCallersWriters()
    {
        var help = Cliplit.Run("bench", "--help");
        Assert.That(help.ExitCode, Is.EqualTo(0), help.ToString());
        Assert.That(help.Out, Is.EqualTo(BenchCommand.Help + "\n"));
        foreach (string subcommand in (string[])["photos", "video", "live", "gpu", "train", "distill", "jobs"])
            Assert.That(help.Out, Does.Match($@"\n  {subcommand} +\S"), $"bench's help lists {subcommand}");
    }

    [Test]
    public void EachSubcommandTakesOnlyItsOwnOptions()
    {
        var video = CliplitBench.Run("bench", "video", "--help");
        Assert.That(video.ExitCode, Is.EqualTo(0), video.ToString());
        Assert.That(video.Out, Does.Contain("--quick").And.Contain("--output").And.Contain("--threads"));
        Assert.That(video.Out, Does.Not.Contain("--soak-minutes").And.Not.Contain("--frames").And.Not.Contain("--shards"));

        var wrong = CliplitBench.Run("bench", "video", "--soak-minutes", "5");
        Assert.That(wrong.ExitCode, Is.EqualTo(2), wrong.ToString());
        Assert.That(wrong.ErrorLines, Is.EqualTo(new[] { "usage error: video: unknown option '--soak-minutes' (see 'cliplit bench video --help')" }));
    }

    [TestCase(new[] { "bench" }, new[] { "bench", "photos" }, false)]
    [TestCase(new[] { "bench", "--quick", "--repeat", "2" }, new[] { "bench", "photos", "--quick", "--repeat", "2" }, false)]
    [TestCase(new[] { "bench", "video", "--quick" }, new[] { "bench", "video", "--quick" }, false)]
    [TestCase(new[] { "bench", "--video", "--quick" }, new[] { "bench", "video", "--quick" }, true)]
    [TestCase(new[] { "bench", "--output", "-", "--train", "--batch", "2" }, new[] { "bench", "train", "--output", "-", "--batch", "2" }, true)]
    [TestCase(new[] { "bench", "--help" }, new[] { "bench", "--help" }, false)]
    [TestCase(new[] { "bench", "--no-such-option" }, new[] { "bench", "--no-such-option" }, false)]
    [TestCase(new[] { "--version" }, new[] { "--version" }, false)]
    public void OldSpellingsBecomeSubcommands(string[] given, string[] parsed, bool noted)
    {
        var log = new StringWriter();
        var bench = Program.CreateRoot(ClipLit.Cli.CliContext.Silent).Subcommands.OfType<BenchCommand>().Single();
        Assert.That(BenchArguments.Normalize(given, bench, log), Is.EqualTo(parsed));
        Assert.That(log.ToString(), noted ? Does.StartWith("note: 'bench --") : Is.Empty);
    }
}
