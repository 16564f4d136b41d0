using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// The enhancer as the frame engine sees it: where its tensors live (it allocates every frame
/// slot's network input and light map) and the network run on them. Two implementations:
/// <see cref="HostMappedTensors"/> (host-mapped memory; ONNX Runtime on the CPU, or on CUDA with a
/// copy each way) and <see cref="CudaImportedTensors"/> (device memory that CUDA imports; no copies).
/// Thread-safety: thread-safe; runs are serialized (live lanes that share a model, such as the old
/// and new quality during a switch, take turns). Ownership: buffers from Allocate belong to the
/// caller and must be disposed before this.
/// </summary>
public interface IEnhancerTensors : ITensorMemory, IDisposable
{
    EnhancerResidence Residence { get; }

    /// <summary>Where the network runs and where its tensors live, for logs and the heads-up display.</summary>
    string Description { get; }

    /// <summary>Readies the network for <paramref name="width"/> x <paramref name="height"/> inputs, so the first frame does not wait for it.</summary>
    void Prepare(int width, int height);

    /// <summary>
    /// Runs the network on <paramref name="input"/> (planar RGB, width·height floats per plane) into
    /// <paramref name="lightMap"/> (width·height floats), both from <see cref="ITensorMemory.Allocate"/>
    /// and neither in use by the GPU; returns when the light map is written.
    /// </summary>
    /// <exception cref="ClipLit.Inference.Runtime.InferenceException">The network failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the light map is incomplete.</exception>
    void Estimate(IVkStorageBuffer input, IVkStorageBuffer lightMap, int width, int height, CancellationToken cancellation);

    /// <summary>Ends ONNX Runtime profiling (when the session was opened with a profile prefix); returns the profile files. For benchmarks.</summary>
    IReadOnlyList<string> EndProfiling();
}
