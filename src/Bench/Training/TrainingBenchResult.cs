namespace ClipLit.Bench.Training;

/// <summary>
/// What <see cref="TrainingBench"/> measured (data only; <see cref="TrainingReport"/> writes it).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When (UTC).</param>
/// <param name="Settings">What was measured.</param>
/// <param name="PyTorch">PyTorch's seconds per stage, by BLAS ("reference BLAS", "OpenBLAS"; one missing is left out).</param>
/// <param name="Ours">ClipLit's seconds per stage.</param>
/// <param name="Parts">The enhancement step's parts, each alone.</param>
public sealed record TrainingBenchResult(MachineDescription Machine, DateTime Date, TrainingBench.Settings Settings,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, Timings>> PyTorch, IReadOnlyDictionary<string, Timings> Ours, IReadOnlyList<(string Part, Timings Time)> Parts);
