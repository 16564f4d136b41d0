using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer;

/// <summary>
/// Where the network's tensors (a frame's network input and its light map) live: the one boundary
/// between the frame engine and wherever the enhancer runs. <see cref="HostTensorMemory"/> keeps
/// them in host-mapped memory (ONNX Runtime on the CPU reads and writes them in place); the engine's
/// CUDA implementation keeps them in device memory that CUDA imports, so they never leave the GPU.
/// The renderer only binds these buffers to shaders; it never reads them on the host.
/// Thread-safety: Allocate may be called from any thread (Vulkan creates objects thread-safely; the implementations keep no state of their own).
/// </summary>
public interface ITensorMemory
{
    /// <summary>A buffer of <paramref name="bytes"/> for a network input or light map; the caller owns it.</summary>
    /// <exception cref="VulkanException">The allocation failed.</exception>
    IVkStorageBuffer Allocate(VkComputeDevice device, ulong bytes, string name);
}

/// <summary>
/// Network tensors in host-visible, mapped memory (<see cref="VkHostBuffer"/>): the CPU path.
/// Thread-safety: stateless; any thread.
/// </summary>
public sealed class HostTensorMemory : ITensorMemory
{
    public static HostTensorMemory Instance { get; } = new();

    public IVkStorageBuffer Allocate(VkComputeDevice device, ulong bytes, string name) => new VkHostBuffer(device, bytes, name);
}
