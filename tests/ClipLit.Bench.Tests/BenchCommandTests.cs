using ClipLit.TestSupport;

namespace ClipLit.Bench.Tests;

/// <summary>
/// <c>cliplit bench</c> runs in cliplit-bench, which the runtime app starts with the same command
/// line; the GPU bench refuses clearly where there is no CUDA.
/// </summary>
[TestFixture]
public sealed class BenchCommandTests
{
    [Test]
    public void TheGpuBenchSaysWhyItCannotRunWithoutCuda()
    {
        if (NvidiaDriver.Present()) Assert.Ignore("an NVIDIA driver is present: the GPU bench would run rather than refuse");
        string folder = Directory.CreateTempSubdirectory("cliplit-bench-").FullName;
        try
        {
            string report = Path.Combine(folder, "benchmarks.md");
            var bench = CliplitBench.Run("bench", "--gpu", "--output", report);
            Assert.That(bench.ExitCode, Is.EqualTo(1), bench.ToString());
            Assert.That(bench.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
                Is.EqualTo("error: bench --gpu needs the zero-copy CUDA path: NVIDIA driver (CUDA driver API): no NVIDIA driver (libcuda.so.1 not found) (cliplit doctor lists each link)"));
            Assert.That(File.Exists(report), Is.False, "nothing measured, nothing written");
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
    }
}
