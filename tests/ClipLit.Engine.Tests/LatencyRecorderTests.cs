using ClipLit.Engine.Live;

namespace ClipLit.Engine.Tests;

/// <summary>Latency percentiles over a bounded window of the most recent frames.</summary>
[TestFixture]
public sealed class LatencyRecorderTests
{
    [Test]
    public void PercentilesAreNearestRank()
    {
        var recorder = new LatencyRecorder();
        for (int i = 1; i <= 100; i++) recorder.Add(i);
        Assert.That((recorder.Percentile(50), recorder.Percentile(99), recorder.Percentile(100)), Is.EqualTo((50.0, 99.0, 100.0)));
    }

    [Test]
    public void OnlyTheMostRecentLatenciesCount()
    {
        var recorder = new LatencyRecorder(capacity: 10);
        for (int i = 0; i < 10; i++) recorder.Add(1000);
        for (int i = 1; i <= 10; i++) recorder.Add(i); // the old slow frames roll out of the window
        Assert.That(recorder.Percentile(100), Is.EqualTo(10));
        Assert.That(new LatencyRecorder().Percentile(50), Is.Zero, "nothing recorded yet");
    }
}
