using System.Diagnostics;

namespace ClipLit.Engine.Live;

/// <summary>
/// Keeps the live view at the source's pace, as a video player does: a frame is shown when its
/// timestamp comes due on the wall clock, measured from the first frame shown since the last
/// <see cref="Restart"/>; behind by more than 100 ms, frames are shown as they come (the clock
/// catches up rather than rushing frames out). A camera's or a stream's frames come at their own
/// pace, stamped as they arrive: each is due at once (pacing them from the first frame shown held
/// every later one back by the first frame's whole path, the first light map included, and the
/// newest-wins read-ahead dropped what came meanwhile: 11-20 fps shown from a 30 fps camera).
/// Thread-safety: the window thread. Ownership: none.
/// </summary>
/// <param name="framesPerSecond">The source's frame rate (a frame period is how late a frame may be).</param>
/// <param name="arrivesOnTime">The source is live (a camera or a stream): its frames are due as they arrive.</param>
/// <param name="whileWaiting">Called about every millisecond while waiting (window events).</param>
public sealed class FramePacer(double framesPerSecond, bool arrivesOnTime, Action? whileWaiting)
{
    private static readonly long CatchUpMicroseconds = 100_000;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _periodMicroseconds = (long)(1_000_000 / Math.Max(framesPerSecond, 1));
    private long? _origin; // wall-clock microseconds minus the first frame's timestamp

    private long Now => _clock.Elapsed.Ticks / 10;

    /// <summary>Starts timing afresh from the next frame (a new source, or after a pause).</summary>
    public void Restart() => _origin = null;

    /// <summary>The frame at <paramref name="timestamp"/> (µs) is more than a frame period past its time.</summary>
    public bool IsLate(long timestamp) => !arrivesOnTime && _origin is { } start && Now > start + timestamp + _periodMicroseconds;

    /// <summary>Waits until the frame at <paramref name="timestamp"/> (µs) is due.</summary>
    public void WaitFor(long timestamp, CancellationToken cancellation)
    {
        if (arrivesOnTime) return;
        long now = Now;
        long start = _origin ?? now - timestamp;
        if (start + timestamp < now - CatchUpMicroseconds) start = now - timestamp;
        _origin = start;
        while (start + timestamp > Now && !cancellation.IsCancellationRequested)
        {
            whileWaiting?.Invoke();
            Thread.Sleep(1);
        }
    }
}
