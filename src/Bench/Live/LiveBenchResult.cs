using ClipLit.Engine.Live;

namespace ClipLit.Bench.Live;

/// <summary>
/// One live run of the shared clip.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Name">What ran ("fast: student (default on CPU)", ...).</param>
/// <param name="Statistics">What the live loop measured.</param>
/// <param name="PeakMiB">The bench process's peak resident memory during the run.</param>
public sealed record LiveRunRow(string Name, LiveStatistics Statistics, double PeakMiB);

/// <summary>
/// A long headless run on the looping clip.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Minutes">How long it ran.</param>
/// <param name="Frames">Frames shown.</param>
/// <param name="FramesPerSecond">Shown frames a second.</param>
/// <param name="ValidationErrors">Vulkan validation errors; null when validation was off.</param>
/// <param name="Samples">Resident memory every 30 s.</param>
public sealed record LiveSoak(int Minutes, int Frames, double FramesPerSecond, int? ValidationErrors, IReadOnlyList<(double Minutes, double MiB)> Samples);

/// <summary>
/// What <see cref="LiveBench"/> measured (data only; <see cref="LiveReport"/> writes it).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When (UTC).</param>
/// <param name="Windowed">Shown in a window (a display was set), else headless.</param>
/// <param name="Runs">The live runs.</param>
/// <param name="HotSwap">From a checkpoint renamed into the watched folder to the first frame it lit.</param>
/// <param name="Soak">The soak run, when one was asked for.</param>
public sealed record LiveBenchResult(MachineDescription Machine, DateTime Date, bool Windowed, IReadOnlyList<LiveRunRow> Runs, TimeSpan HotSwap, LiveSoak? Soak);
