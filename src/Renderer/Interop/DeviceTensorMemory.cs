using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Interop;

/// <summary>
/// Network tensors in device-local Vulkan memory (<see cref="VkSharedBuffer"/>), not imported
/// anywhere: for buffers only the GPU touches, such as the live view's frame slot, whose network
/// input and light map reach the network's own buffers by GPU copies. Being exportable, they go
/// through the same ownership transfers as CUDA's buffers (a barrier each way per use; harmless
/// where nothing imports them). Needs a device created to share memory (VkDeviceOptions.ExternalMemory).
/// Thread-safety: stateless; any thread.
/// </summary>
public sealed class DeviceTensorMemory : ITensorMemory
{
    public static DeviceTensorMemory Instance { get; } = new();

    public IVkStorageBuffer Allocate(VkComputeDevice device, ulong bytes, string name) => VkSharedBuffer.Allocate(device, bytes, name);
}
