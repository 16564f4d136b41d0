using ClipLit.Bench.Measurement;
using ClipLit.Bench.Processes;

namespace ClipLit.Bench.Tests;

/// <summary>
/// Reports name the machine they ran on (CPU model and cores, Vulkan device, GPU), read from this
/// machine rather than written into the report; and the one process runner the benchmarks share.
/// </summary>
[TestFixture]
public sealed class MachineTests
{
    /// <summary>The CPU's model as /proc/cpuinfo says it, read apart from the code under test.</summary>
    public static string CpuModelFromProc() =>
        File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("model name", StringComparison.Ordinal)).Split(':', 2)[1].Trim();

    [Test]
    public void TheMachineIsReadFromThisMachine()
    {
        var machine = MachineDescription.Detect();
        Assert.That(machine.CpuModel, Is.EqualTo(CpuModelFromProc()));
        Assert.That(machine.LogicalCores, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(machine.VulkanDevice, Is.Not.Empty.And.Not.StartWith(MachineDescription.None), "this machine has a Vulkan device (lavapipe at least)");
        Assert.That(machine.Gpu, Is.Not.Empty);
        Assert.That(machine.ToString(), Does.StartWith($"CPU: {CpuModelFromProc()}, {Environment.ProcessorCount} logical cores, ")
            .And.EndWith($"; Vulkan: {machine.VulkanDevice}; GPU: {machine.Gpu}"));
    }

    /// <summary>Each report writer, on made-up figures: the machine's line is the report's, not the benchmark's.</summary>
    [TestCaseSource(typeof(MadeUpResults), nameof(MadeUpResults.Reports))]
    public void EveryReportNamesTheMachineItRanOn(string bench, Func<MachineDescription, ClipLit.Bench.Reports.ReportSection> write)
    {
        var machine = MachineDescription.Detect();
        string markdown = write(machine).Markdown;
        Assert.That(markdown, Does.Contain($"CPU: {CpuModelFromProc()}, {Environment.ProcessorCount} logical cores"), bench);
        Assert.That(markdown, Does.Contain($"Vulkan: {machine.VulkanDevice}; GPU: {machine.Gpu}"), bench);
        Assert.That(markdown, Does.Not.Contain("2-core CPU, lavapipe").And.Not.Contain("cores with lavapipe").And.Not.Contain("this 2-core CPU"), bench);
        Assert.That(markdown, Does.Not.Contain("bench --"), $"{bench}: the subcommand's spelling");
    }

    [Test]
    public void TheProcessRunnerPassesArgumentsAndEnvironmentAndReportsTheExit()
    {
        Environment.SetEnvironmentVariable("CLIPLIT_BENCH_TEST_INHERITED", "inherited");
        try
        {
            var run = BenchProcess.Run("/bin/sh", ["-c", "printf '%s|%s|%s' \"$1\" \"$CLIPLIT_BENCH_TEST_SET\" \"${CLIPLIT_BENCH_TEST_INHERITED:-removed}\"; exit 3", "sh", "a b; 'c'"],
                new BenchProcessOptions(Environment: new Dictionary<string, string?> { ["CLIPLIT_BENCH_TEST_SET"] = "set", ["CLIPLIT_BENCH_TEST_INHERITED"] = null }));
            Assert.That((run.ExitCode, run.Output), Is.EqualTo((3, "a b; 'c'|set|removed")));
            Assert.That(run.PeakMiB, Is.NaN, "not sampled unless asked");
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLIPLIT_BENCH_TEST_INHERITED", null);
        }
    }

    [Test]
    public void TheProcessRunnerSamplesPeakMemoryAndStopsAChildPastItsTimeout()
    {
        var sampled = BenchProcess.Run("/bin/sleep", ["0.3"], new BenchProcessOptions(SamplePeakMemory: true));
        Assert.That(sampled.ExitCode, Is.EqualTo(0));
        Assert.That(sampled.PeakMiB, Is.GreaterThan(0).And.LessThan(100));
        Assert.That(sampled.Wall, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.3)));

        foreach (bool sample in (bool[])[true, false])
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.Throws<TimeoutException>(() => BenchProcess.Run("/bin/sleep", ["30"], new BenchProcessOptions(TimeSpan.FromMilliseconds(300), SamplePeakMemory: sample)));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), $"stopped at its timeout (sampled: {sample})");
        }
    }
}
