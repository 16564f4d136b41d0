using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// The enhancer's tensors in host-mapped Vulkan memory: ONNX Runtime reads the network's input and
/// writes the light map in place. On the CPU nothing is copied; with the CUDA provider, ONNX Runtime
/// copies each frame to the GPU and back (the round trip <see cref="CudaImportedTensors"/> avoids).
/// Thread-safety: thread-safe; runs take turns (an estimator is not thread-safe).
/// Ownership: does not own the estimator.
/// </summary>
public sealed class HostMappedTensors(ILightMapEstimator estimator) : IEnhancerTensors
{
    private readonly Lock _gate = new();

    public EnhancerResidence Residence => EnhancerResidence.HostMapped;

    public string Description => estimator.Device.Device == ExecutionDevice.Cuda
        ? $"{estimator.Device.Description}, tensors copied via the host each frame"
        : $"{estimator.Device.Description}, host-mapped tensors";

    public IVkStorageBuffer Allocate(VkComputeDevice device, ulong bytes, string name) => HostTensorMemory.Instance.Allocate(device, bytes, name);

    public void Prepare(int width, int height)
    {
        lock (_gate) estimator.Prepare(width, height);
    }

    public void Estimate(IVkStorageBuffer input, IVkStorageBuffer lightMap, int width, int height, CancellationToken cancellation)
    {
        int pixels = width * height;
        var image = Mapped(input).AsMemory<float>(3 * pixels);
        var light = Mapped(lightMap).AsMemory<float>(pixels);
        lock (_gate) estimator.Estimate(image, width, height, light, cancellation);
    }

    public IReadOnlyList<string> EndProfiling()
    {
        lock (_gate) return estimator.EndProfiling();
    }

    private static VkHostBuffer Mapped(IVkStorageBuffer buffer) =>
        buffer as VkHostBuffer ?? throw new ArgumentException($"{buffer.Name} is not host-mapped memory from {nameof(HostMappedTensors)}");

    public void Dispose()
    {
        // Owns nothing: the estimator is the caller's.
    }
}
