namespace ClipLit.Engine.Gpu;

/// <summary>
/// Where the enhancer's tensors live (the two implementations of <see cref="IEnhancerTensors"/>).
/// Thread-safety: a value; any thread.
/// </summary>
public enum EnhancerResidence
{
    /// <summary>In host-mapped Vulkan memory, where ONNX Runtime reads and writes them (on the CPU, or copied to CUDA and back).</summary>
    HostMapped,

    /// <summary>In Vulkan device memory imported into CUDA, where ONNX Runtime's CUDA provider reads and writes them: nothing leaves the GPU.</summary>
    CudaImported,
}
