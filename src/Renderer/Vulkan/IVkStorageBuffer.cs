using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// A buffer the compute passes can bind as a storage buffer, wherever its memory lives: mapped
/// host memory (<see cref="VkHostBuffer"/>, what ONNX Runtime on the CPU reads and writes) or
/// device memory shared with CUDA (Interop.VkSharedBuffer, the zero-copy path).
/// Ownership: whoever created it disposes it; passes only bind it.
/// </summary>
public interface IVkStorageBuffer : IDisposable
{
    Buffer Handle { get; }

    /// <summary>Bytes the buffer holds.</summary>
    ulong Size { get; }

    /// <summary>Names it in validation messages.</summary>
    string Name { get; }
}
