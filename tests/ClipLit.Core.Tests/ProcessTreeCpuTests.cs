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
        // About 1.5 s of one core, busy until its own clock says so.
        var start = new ProcessStartInfo("/usr/bin/python3");
        foreach (string argument in new[] { "-c", "import time\nend = time.time() + 1.5\nwhile time.time() < end: pass" }) start.ArgumentList.Add(argument);
        using var child = Process.Start(start)!;
        Thread.Sleep(700);
        var childSoFar = child.TotalProcessorTime;
        var running = ProcessTreeCpu.Used() - before;
        Assert.That(childSoFar.TotalSeconds, Is.GreaterThan(0.3), "the child burns CPU");
        // Clock ticks are 10 ms: allow a few of them.
        Assert.That(running.TotalSeconds, Is.GreaterThanOrEqualTo(childSoFar.TotalSeconds - 0.05), "a running child counts");
        child.WaitForExit();
        var ended = ProcessTreeCpu.Used() - before;
        Assert.That(ended.TotalSeconds, Is.GreaterThanOrEqualTo(running.TotalSeconds - 0.05), "a reaped child still counts");
        Assert.That(ended.TotalSeconds, Is.LessThan(60), "no runaway sum");
    }
}
