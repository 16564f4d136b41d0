namespace ClipLit.Inference.Runtime;

/// <summary>
/// A network that turns a planar RGB image in [0, 1] into a one-channel light map on host memory,
/// through ONNX Runtime on <see cref="Device"/>. The paper's network (<see cref="LightMapEstimator"/>,
/// exact tiling included) is one; any model with the same image → light map contract runs in every
/// frame path through this interface.
/// Thread-safety: not thread-safe; callers serialize runs. Ownership: owns its sessions.
/// </summary>
public interface ILightMapEstimator : IDisposable
{
    /// <summary>The execution provider the network runs on.</summary>
    OrtSessionFactory Device { get; }

    /// <summary>Time spent building graphs and creating ONNX Runtime sessions so far.</summary>
    TimeSpan LoadTime { get; }

    /// <summary>Whether a <paramref name="width"/> x <paramref name="height"/> image fits the memory budget in one run (the CUDA path over shared memory does not tile).</summary>
    bool RunsWhole(int width, int height);

    /// <summary>Readies the network for <paramref name="width"/> x <paramref name="height"/> images, so the first one does not wait for it.</summary>
    void Prepare(int width, int height);

    /// <summary>
    /// Writes the light map of <paramref name="image"/> (planar RGB, 3·H·W floats in [0, 1]) into
    /// <paramref name="lightMap"/> (H·W floats).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; the light map is incomplete.</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed.</exception>
    void Estimate(Memory<float> image, int width, int height, Memory<float> lightMap, CancellationToken cancellation);

    /// <summary>Ends ONNX Runtime profiling (when <see cref="EnhancerOptions.ProfilePrefix"/> was set); returns the profile files.</summary>
    IReadOnlyList<string> EndProfiling();
}
