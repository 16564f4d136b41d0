using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// The enhancer's tensors in host-mapped Vulkan memory: ONNX Runtime reads the network's input and
/// writes the light map in place. On the CPU nothing is copied; with the CUDA provider, ONNX Runtime
/// copies each frame to the GPU and back (the round trip <see cref="CudaImportedTensors"/> avoids).
/// Thread-safety: thread-safe; runs take turns (the estimator is not thread-safe).
/// Ownership: does not own the estimator.
/// </summary>
public sealed class HostMappedTensors(LightMapEstimator estimator) : IEnhancerTensors
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(int Width, int Height), ExecutionPlan> _plans = new();

    public EnhancerResidence Residence => EnhancerResidence.HostMapped;

    public string Description => estimator.Device.Device == ExecutionDevice.Cuda
        ? $"{estimator.Device.Description}, tensors copied via the host each frame"
        : $"{estimator.Device.Description}, host-mapped tensors";

    public IVkStorageBuffer Allocate(VkComputeDevice device, ulong bytes, string name) => HostTensorMemory.Instance.Allocate(device, bytes, name);

    public void Prepare(int width, int height)
    {
        lock (_gate) estimator.Preload(PlanFor(width, height));
    }

    public void Estimate(IVkStorageBuffer input, IVkStorageBuffer lightMap, int width, int height, CancellationToken cancellation)
    {
        int pixels = width * height;
        var image = Mapped(input).AsMemory<float>(3 * pixels);
        var light = Mapped(lightMap).AsMemory<float>(pixels);
        lock (_gate) estimator.Estimate(image, height, width, light, PlanFor(width, height), cancellation);
    }

    /// <summary>The plan for a size, made once (the live view alternates two sizes while switching quality). Call under the lock.</summary>
    private ExecutionPlan PlanFor(int width, int height)
    {
        if (!_plans.TryGetValue((width, height), out var plan)) _plans[(width, height)] = plan = estimator.Plan(height, width);
        return plan;
    }

    private static VkHostBuffer Mapped(IVkStorageBuffer buffer) =>
        buffer as VkHostBuffer ?? throw new ArgumentException($"{buffer.Name} is not host-mapped memory from {nameof(HostMappedTensors)}");

    public void Dispose()
    {
        // Owns nothing: the estimator is the caller's.
    }
}
