namespace ClipLit.Inference.Runtime;

/// <summary>How the enhancer runs the network.</summary>
/// <param name="Device">Execution provider choice. Default <see cref="ExecutionDevice.Auto"/>.</param>
/// <param name="MemoryBudgetBytes">
/// Largest activation memory one network run may use. Images whose estimated activations exceed it
/// are processed in tiles (exactly, in two passes), trading some recomputation at tile halos for
/// bounded memory. Default 4 GiB.
/// </param>
/// <param name="Threads">ONNX Runtime intra-op threads. Default: one per logical core.</param>
/// <param name="Strategy">Execution plan override, for tests and benchmarks. Default <see cref="PlanStrategy.Auto"/>.</param>
/// <param name="KeepMemoryBetweenImages">
/// Keep ONNX Runtime's memory arena at its peak after each image instead of returning it to the
/// system. Saves page faults when every image has the same size (video frames); costs holding the
/// largest image's activations for the whole batch. Default false.
/// </param>
/// <param name="ProfilePrefix">
/// When set, ONNX Runtime writes a per-operator profile (JSON) for each graph, named with this
/// path prefix; <see cref="LightMapEstimator.EndProfiling"/> returns the files. For benchmarks:
/// profiling adds overhead. Default null.
/// </param>
/// <param name="SpinWhileWaiting">
/// ONNX Runtime's threads spin between operators (its default, fastest alone on a machine). The
/// live view turns it off: there the network shares the cores with decoding and composing.
/// </param>
/// <param name="AllowTf32">
/// On CUDA, whether convolutions may round their inputs to TF32 (10-bit mantissas) on Ampere and
/// newer: faster, about 1e-3 relative error. Null (the default) lets the model decide: off for the
/// paper's network (full quality is promised faithful, and CUDA-vs-CPU checks hold it to 60 dB), on
/// for a distilled student (fast quality, an approximation well beyond TF32's error).
/// </param>
public sealed record EnhancerOptions(
    ExecutionDevice Device,
    long MemoryBudgetBytes,
    int Threads,
    PlanStrategy Strategy,
    bool KeepMemoryBetweenImages,
    string? ProfilePrefix = null,
    bool SpinWhileWaiting = true,
    bool? AllowTf32 = null)
{
    public static EnhancerOptions Default { get; } = new(
        ExecutionDevice.Auto,
        4L << 30,
        Environment.ProcessorCount,
        PlanStrategy.Auto,
        false);

    /// <summary>How a model's sessions run with these options; <paramref name="tf32ByDefault"/>: the model's TF32 choice where <see cref="AllowTf32"/> is null.</summary>
    public OrtSessionSettings SessionSettings(bool tf32ByDefault) => new(Threads, SpinWhileWaiting, AllowTf32 ?? tf32ByDefault, ProfilePrefix);
}
