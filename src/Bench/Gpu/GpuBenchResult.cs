namespace ClipLit.Bench.Gpu;

/// <summary>
/// The checks' figures, each against the CPU path unless said otherwise (dB).
/// Thread-safety: immutable.
/// </summary>
/// <param name="LightMap">The zero-copy light map.</param>
/// <param name="Frame">A zero-copy frame.</param>
/// <param name="RoundTrip">A zero-copy frame against the round trip's.</param>
/// <param name="StaleRight">The second of two frames through one slot, to its own light map.</param>
/// <param name="Stale">The same, to the first frame's light map (must be far lower).</param>
/// <param name="EngineFrames">Frames the frame-engine check ran.</param>
/// <param name="Engine">The frame engine's worst frame.</param>
/// <param name="Tf32LightMap">The light map with TF32 on (reported, not required; NaN when below the bar).</param>
public sealed record GpuCheckFigures(double LightMap, double Frame, double RoundTrip, double StaleRight, double Stale, int EngineFrames, double Engine, double Tf32LightMap);

/// <summary>
/// One variant of the network's tensors through the frame engine.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Name">"round trip", "zero-copy", "zero-copy, TF32 on".</param>
/// <param name="Frames">Frames enhanced.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="StageSeconds">Busy time per stage.</param>
public sealed record GpuEngineRun(string Name, int Frames, double Seconds, IReadOnlyDictionary<string, double> StageSeconds)
{
    public double FramesPerSecond => Frames / Seconds;

    public double StageMilliseconds(string stage) => StageSeconds.GetValueOrDefault(stage) * 1000 / Frames;
}

/// <summary>
/// What <see cref="GpuBench"/> measured (data only; <see cref="GpuReport"/> writes it).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When (UTC).</param>
/// <param name="Rehearsal">CUDA was replaced by the CPU path throughout: the figures are not a GPU's.</param>
/// <param name="CudaDevice">The CUDA device as the readiness check names it; null in a rehearsal.</param>
/// <param name="Width">Frame width.</param>
/// <param name="Height">Frame height.</param>
/// <param name="DistinctFrames">Photos made into frames.</param>
/// <param name="FramesPerRun">Frames per measured engine run.</param>
/// <param name="Checks">The checks' figures.</param>
/// <param name="EnhancerMilliseconds">The network alone per frame, by variant name.</param>
/// <param name="Runs">The engine runs: round trip, zero-copy, zero-copy with TF32 on.</param>
/// <param name="CopyNodes">Host-device copy nodes in ONNX Runtime's profile, by variant name.</param>
/// <param name="FileRun">The file-to-file run (zero-copy); null when it could not run.</param>
/// <param name="NoFileRun">Why there is no file-to-file run; null when there is one.</param>
public sealed record GpuBenchResult(MachineDescription Machine, DateTime Date, bool Rehearsal, string? CudaDevice, int Width, int Height, int DistinctFrames, int FramesPerRun,
    GpuCheckFigures Checks, IReadOnlyDictionary<string, double> EnhancerMilliseconds, IReadOnlyList<GpuEngineRun> Runs, IReadOnlyDictionary<string, int> CopyNodes,
    GpuEngineRun? FileRun, string? NoFileRun);
