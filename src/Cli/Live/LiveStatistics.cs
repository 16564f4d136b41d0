namespace ClipLit.Cli.Live;

/// <summary>
/// What the live loop measured: frames shown, their rate, the network's rate, how old the shown
/// light maps were, the latency from a frame's arrival to its presentation (waiting for the
/// frame's time at the source's pace left out) and model swaps.
/// </summary>
public sealed record LiveStatistics(int Presented, double PresentedPerSecond, int LightMaps, double LightMapsPerSecond, double MeanLightMapAgeFrames,
    double LatencyP50Milliseconds, double LatencyP99Milliseconds, int ModelsSwapped, DateTime? FirstFrameOfLastModelUtc);
