using System.Diagnostics;
using ClipLit.Core.Processes;

namespace ClipLit.Core.Tests;

/// <summary>The CPU of this process and its children: a child burning CPU counts while it runs and after it ended.</summary>
[TestFixture]
public sealed class ProcessTreeCpuTests
{
    [Test]
    public void AChildsCpuCountsWhileItRunsAndAfterItEnded()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("reads /proc");
        var before = ProcessTreeCpu.Used();
        // 1.5 s of one core, busy until its own CPU time says so (however loaded the machine is).
        var start = new ProcessStartInfo("/usr/bin/python3");
        foreach (string argument in new[] { "-c", "import time\nwhile time.process_time() < 1.5: pass" }) start.ArgumentList.Add(argument);
        using var child = Process.Start(start)!;
        // Measured while it runs: once it has burnt 0.3 s (the kernel's figure), a fifth of what it will.
        var deadline = Stopwatch.StartNew();
        while (child.TotalProcessorTime.TotalSeconds < 0.3 && !child.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
        var childSoFar = child.TotalProcessorTime;
        var running = ProcessTreeCpu.Used() - before;
        Assert.That(child.HasExited, Is.False, "measured while the child runs");
        Assert.That(childSoFar.TotalSeconds, Is.GreaterThanOrEqualTo(0.3), "the child burns CPU");
        // Clock ticks are 10 ms: allow a few of them.
        Assert.That(running.TotalSeconds, Is.GreaterThanOrEqualTo(childSoFar.TotalSeconds - 0.05), "a running child counts");
        child.WaitForExit();
        var ended = ProcessTreeCpu.Used() - before;
        Assert.That(ended.TotalSeconds, Is.GreaterThanOrEqualTo(running.TotalSeconds - 0.05), "a reaped child still counts");
        Assert.That(ended.TotalSeconds, Is.LessThan(60), "no runaway sum");
    }
}
