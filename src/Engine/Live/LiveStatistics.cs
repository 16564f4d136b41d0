namespace ClipLit.Engine.Live;

/// <summary>
/// What the live loop measured: frames shown, their rate (from the first shown to the last: a player's
/// rate; the wait for the first is <see cref="FirstFrameSeconds"/>), the network's rate, how old the shown
/// light maps were, the latency from a frame's arrival to its presentation (waiting for the
/// frame's time at the source's pace left out; frames decoded before the first light map, which
/// waited for it, left out too), model swaps, frames not shown to keep the video's pace (late frames of a
/// file, stale frames of a camera), and where the window thread's time went per shown frame; scene
/// cuts (shown lanes), how many cut frames got a light map of their own before being shown, how many
/// light maps of an earlier scene were dropped at cuts, and which model gave the last shown frame its light map;
/// the CPU the run used (this process and its children, e.g. the decoder), in cores and per shown frame.
/// Thread-safety: immutable.
/// </summary>
public sealed record LiveStatistics(int Presented, double PresentedPerSecond, int LightMaps, double LightMapsPerSecond, double MeanLightMapAgeFrames,
    double LatencyP50Milliseconds, double LatencyP99Milliseconds, int ModelsSwapped, DateTime? FirstFrameOfLastModelUtc, int Skipped, FrameTimes MeanFrameTimes,
    int SceneCuts = 0, int CutFramesLit = 0, int StaleLightMapsDropped = 0, string LightMapSource = "")
{
    /// <summary>Seconds from the loop's start to the first frame shown (the first light map's wait).</summary>
    public double FirstFrameSeconds { get; init; }

    /// <summary>CPU seconds a second over the run (process and children): 1 is one core busy.</summary>
    public double CpuCores { get; init; }

    /// <summary>CPU milliseconds (process and children) per shown frame.</summary>
    public double CpuMillisecondsPerFrame { get; init; }

    /// <summary>The correction's strength at the end (<see cref="ClipLit.Renderer.CorrectionStrength"/>).</summary>
    public float Strength { get; init; } = ClipLit.Renderer.CorrectionStrength.Paper;

    /// <summary>
    /// The student's mean milliseconds a shown frame where it ran on every frame to place the network's
    /// slower maps (full quality with a student, <see cref="EnhancerLane.EveryFrameMilliseconds"/>); null where it did not.
    /// </summary>
    public double? EveryFrameMilliseconds { get; init; }
}

/// <summary>
/// The window thread's milliseconds per shown frame: waiting for the decoder, the renderer (pre-process
/// when the network takes a frame, temporal average, compose), presenting (copy, swapchain, window system)
/// and waiting for the frame's time between them (a file's frames are shown at their timestamps, so this
/// is its headroom; a camera's or a stream's are due as they arrive: none).
/// Thread-safety: immutable.
/// </summary>
public readonly record struct FrameTimes(double Decode, double Render, double Present, double Due = 0);
