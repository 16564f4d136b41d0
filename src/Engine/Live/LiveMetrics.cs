using System.Diagnostics;
using ClipLit.Core.Processes;

namespace ClipLit.Engine.Live;

/// <summary>
/// What the live loop measures while it runs: frames shown and skipped, rates over the last second
/// (title bar, heads-up display), the window thread's time per stage, how old the shown light maps
/// are, latency from a frame's arrival to its presentation, and when a swapped-in model first lit
/// a shown frame, and the CPU the process and its children (the decoder) use; <see cref="Statistics"/> sums it up at the end.
/// Thread-safety: the window thread. Ownership: nothing native.
/// </summary>
public sealed class LiveMetrics
{
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly Stopwatch _second = Stopwatch.StartNew();
    private readonly LatencyRecorder _latencies = new();
    private readonly TimeSpan _cpuAtStart = ProcessTreeCpu.Used();
    private TimeSpan _cpuAtLastSecond;
    private (int Presented, int LightMaps) _lastSecond;
    private (long Decode, long Render, long Present, long Due) _ticks;   // Stopwatch ticks spent per stage, over shown frames
    private long _ageSum;
    private (double Sum, int Frames) _everyFrame;  // the student's milliseconds on frames where it placed the network's maps
    private long _firstLightMapAt = long.MaxValue;
    private long _firstPresentedAt, _lastPresentedAt; // Stopwatch timestamps: the shown rate is over the span they bound
    private LoadedModel? _awaitingFirstFrameOf;
    private DateTime? _firstFrameOfLastModel;

    /// <summary>Frames presented so far.</summary>
    public int Presented { get; private set; }

    /// <summary>Frames not shown to keep the source's pace (the loop's and the read-ahead's).</summary>
    public int Dropped { get; set; }

    /// <summary>Frames shown and light maps taken per second, and the cores used (process and children), over the last whole second.</summary>
    public (double DisplayFps, double EnhancerHz, double CpuCores) Rates { get; private set; }

    /// <summary>Once a second: the rates over the last second are new (true), for the title bar.</summary>
    public bool NextSecond(int lightMaps)
    {
        if (_second.Elapsed.TotalSeconds < 1) return false;
        if (_cpuAtLastSecond == TimeSpan.Zero) _cpuAtLastSecond = _cpuAtStart;
        var cpu = ProcessTreeCpu.Used();
        double seconds = _second.Elapsed.TotalSeconds;
        Rates = ((Presented - _lastSecond.Presented) / seconds, (lightMaps - _lastSecond.LightMaps) / seconds, (cpu - _cpuAtLastSecond).TotalSeconds / seconds);
        _cpuAtLastSecond = cpu;
        _lastSecond = (Presented, lightMaps);
        _second.Restart();
        return true;
    }

    /// <summary>The first light map arrived at this timestamp: frames decoded before it waited for it and count no latency.</summary>
    public void FirstLightMapAt(long timestamp) => _firstLightMapAt = timestamp;

    /// <summary>A swapped-in model lights the lanes from now on: the first shown frame it lights is timed.</summary>
    public void AwaitFirstFrameOf(LoadedModel running) => _awaitingFirstFrameOf = running;

    /// <summary>A frame was presented: the window thread's timestamps around it (Stopwatch ticks) and the lane that lit it.</summary>
    /// <param name="reading">Reading from the decoder started.</param>
    /// <param name="received">The frame was there.</param>
    /// <param name="rendered">Every lane was through.</param>
    /// <param name="waitStart">Waiting for the frame's time started.</param>
    /// <param name="waited">Ticks spent waiting for the frame's time (not the loop's work).</param>
    /// <param name="arrived">The frame was decoded (read ahead): where latency starts.</param>
    /// <param name="lightMapAge">Frames between the shown frame and its light map's.</param>
    /// <param name="primary">The lane shown.</param>
    public void FramePresented(long reading, long received, long rendered, long waitStart, long waited, long arrived, int lightMapAge, EnhancerLane primary)
    {
        _ticks = (_ticks.Decode + received - reading, _ticks.Render + rendered - received, _ticks.Present + Stopwatch.GetTimestamp() - waitStart - waited, _ticks.Due + waited);
        _ageSum += lightMapAge;
        _lastPresentedAt = Stopwatch.GetTimestamp();
        if (Presented == 0) _firstPresentedAt = _lastPresentedAt;
        if (primary.EveryFrameMilliseconds is { } student) _everyFrame = (_everyFrame.Sum + student, _everyFrame.Frames + 1);
        Presented++;
        // Frames decoded before the first light map existed waited for it (seconds in full quality): no steady-state latency.
        if (arrived >= _firstLightMapAt) _latencies.Add(Stopwatch.GetElapsedTime(arrived + waited).TotalMilliseconds);
        if (_awaitingFirstFrameOf is not null && primary.Model == _awaitingFirstFrameOf && primary.LightMapsOfModel > 0)
        {
            _firstFrameOfLastModel = DateTime.UtcNow; // the first shown frame lit by the new model
            _awaitingFirstFrameOf = null;
        }
    }

    /// <summary>The heads-up display's readings now.</summary>
    public HudReadings Readings(LiveLanes lanes, LoadedModel main, bool paused)
    {
        var primary = lanes.Primary;
        return new HudReadings(Rates.DisplayFps, Rates.EnhancerHz, primary.NetworkMilliseconds, MeanLightMapAge, _latencies.Percentile(50), _latencies.Percentile(99),
            primary.Description, lanes.QualityName(), main, lanes.ShownLeftModel, paused)
        {
            CpuCores = Rates.CpuCores,
            CpuMillisecondsPerFrame = Rates.DisplayFps > 0 ? 1000 * Rates.CpuCores / Rates.DisplayFps : 0,
            Strength = lanes.Strength,
            Denoise = lanes.Denoise,
            EveryFrameMilliseconds = primary.EveryFrameMilliseconds,
        };
    }

    /// <summary>The run summed up.</summary>
    /// <param name="lanes">The lanes (light maps and cuts of every lane shown).</param>
    /// <param name="swaps">Models swapped in.</param>
    /// <param name="readAheadDropped">Frames the open read-ahead skipped so far.</param>
    public LiveStatistics Statistics(LiveLanes lanes, int swaps, int readAheadDropped)
    {
        double seconds = Math.Max(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, 1e-9);
        double perFrame = 1000.0 / Stopwatch.Frequency / Math.Max(1, Presented);
        var cuts = lanes.CutCounts;
        double cpuSeconds = (ProcessTreeCpu.Used() - _cpuAtStart).TotalSeconds;
        // A player's rate: frames over the time from the first shown to the last (the wait for the
        // first light map before it is the first frame's delay, not the rate; it is reported apart).
        double showing = Stopwatch.GetElapsedTime(_firstPresentedAt, _lastPresentedAt).TotalSeconds;
        double shownPerSecond = Presented >= 2 && showing > 0 ? (Presented - 1) / showing : Presented / seconds;
        return new LiveStatistics(Presented, shownPerSecond, lanes.LightMaps, lanes.LightMaps / seconds, MeanLightMapAge,
            _latencies.Percentile(50), _latencies.Percentile(99), swaps, _firstFrameOfLastModel, Dropped + readAheadDropped,
            new FrameTimes(_ticks.Decode * perFrame, _ticks.Render * perFrame, _ticks.Present * perFrame, _ticks.Due * perFrame),
            cuts.Cuts, cuts.Lit, cuts.Dropped, lanes.Primary.LightMapSource)
        {
            FirstFrameSeconds = Presented > 0 ? Stopwatch.GetElapsedTime(_startedAt, _firstPresentedAt).TotalSeconds : 0,
            CpuCores = cpuSeconds / seconds,
            CpuMillisecondsPerFrame = 1000 * cpuSeconds / Math.Max(1, Presented),
            Strength = lanes.Strength,
            EveryFrameMilliseconds = _everyFrame.Frames > 0 ? _everyFrame.Sum / _everyFrame.Frames : null,
        };
    }

    private double MeanLightMapAge => Presented > 0 ? (double)_ageSum / Presented : 0;
}
