using ClipLit.Engine.Gpu;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Tests;

/// <summary>
/// Tensors in device-local memory, the network run on the CPU through staging copies: the zero-copy
/// path's memory layout (buffers shared externally, so every use takes them from the external queue
/// family and hands them back), testable without CUDA. Each <see cref="Estimate"/> records two
/// ownership transfers each way: the input's staging copy out and the light map's in.
/// Ownership: owns nothing; the caller owns the buffers it allocates.
/// </summary>
internal sealed class StagedDeviceTensors(VkComputeDevice device, LightMapEstimator estimator) : IEnhancerTensors
{
    public EnhancerResidence Residence => EnhancerResidence.HostMapped;

    public IReadOnlyList<string> EndProfiling() => [];

    public string Description => "CPU through staging copies, tensors in device-local memory";

    public IVkStorageBuffer Allocate(VkComputeDevice on, ulong bytes, string name) => DeviceTensorMemory.Instance.Allocate(on, bytes, name);

    public void Prepare(int width, int height)
    {
    }

    public void Estimate(IVkStorageBuffer input, IVkStorageBuffer lightMap, int width, int height, CancellationToken cancellation)
    {
        var image = VkStagingCopy.Download<float>(device, input, 3 * width * height);
        var light = new float[width * height];
        estimator.Estimate(image, height, width, light, cancellation: cancellation);
        VkStagingCopy.Upload<float>(device, lightMap, light);
    }

    public void Dispose()
    {
    }
}
