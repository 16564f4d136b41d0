using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// The enhancer's tensors in host-mapped Vulkan memory: ONNX Runtime reads the network's input and
/// writes the light map in place. On the CPU nothing is copied; with the CUDA provider, ONNX Runtime
/// copies each frame to the GPU and back (the round trip <see cref="CudaImportedTensors"/> avoids).
/// Thread-safety: one Estimate at a time. Ownership: does not own the estimator.
/// </summary>
public sealed class HostMappedTensors(LightMapEstimator estimator) : IEnhancerTensors
{
    private readonly Lock _gate = new();
    private (int Width, int Height, ExecutionPlan Plan)? _plan;

    public EnhancerResidence Residence => EnhancerResidence.HostMapped;

    public string Description => estimator.Device.Device == ExecutionDevice.Cuda
        ? $"{estimator.Device.Description}, tensors copied via the host each frame"
        : $"{estimator.Device.Description}, host-mapped tensors";

    public IVkStorageBuffer Allocate(VkComputeDevice device, ulong bytes, string name) => HostTensorMemory.Instance.Allocate(device, bytes, name);

    public void Prepare(int width, int height) => estimator.Preload(PlanFor(width, height));

    public void Estimate(IVkStorageBuffer input, IVkStorageBuffer lightMap, int width, int height, CancellationToken cancellation)
    {
        int pixels = width * height;
        estimator.Estimate(Mapped(input).AsMemory<float>(3 * pixels), height, width, Mapped(lightMap).AsMemory<float>(pixels), PlanFor(width, height), cancellation);
    }

    private ExecutionPlan PlanFor(int width, int height)
    {
        lock (_gate)
        {
            if (_plan is not { } plan || plan.Width != width || plan.Height != height)
                _plan = plan = (width, height, estimator.Plan(height, width));
            return plan.Plan;
        }
    }

    private static VkHostBuffer Mapped(IVkStorageBuffer buffer) =>
        buffer as VkHostBuffer ?? throw new ArgumentException($"{buffer.Name} is not host-mapped memory from {nameof(HostMappedTensors)}");

    public void Dispose()
    {
        // Owns nothing: the estimator is the caller's.
    }
}
