using System.Diagnostics;
using ClipLit.Engine.Live;

namespace ClipLit.Engine.Tests;

/// <summary>When the live view waits for a frame's time: a file's frames at their timestamps, a live source's never.</summary>
[TestFixture]
public sealed class FramePacerTests
{
    [Test]
    public void AFilesFrameWaitsUntilItsTimestampComesDue()
    {
        var pacer = new FramePacer(30, arrivesOnTime: false, whileWaiting: null);
        pacer.WaitFor(0, CancellationToken.None); // the first frame sets the clock
        var clock = Stopwatch.StartNew();
        pacer.WaitFor(60_000, CancellationToken.None);
        Assert.That(clock.Elapsed.TotalMilliseconds, Is.GreaterThanOrEqualTo(55), "a frame 60 ms on is shown 60 ms after the first");
    }

    [Test]
    public void ALiveSourcesFrameIsDueAsItArrives()
    {
        int waits = 0;
        var pacer = new FramePacer(30, arrivesOnTime: true, whileWaiting: () => waits++);
        // The first frame shown arrived long before (its first light map took a while): later ones are not held back by it.
        pacer.WaitFor(0, CancellationToken.None);
        pacer.WaitFor(500_000, CancellationToken.None);
        pacer.WaitFor(533_333, CancellationToken.None);
        Assert.That(waits, Is.Zero);
        Assert.That(pacer.IsLate(0), Is.False, "a live source's frames are never dropped as late: its read-ahead keeps the newest");
    }
}
