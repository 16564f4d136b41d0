using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// A buffer the compute passes can bind as a storage buffer, wherever its memory lives: mapped
/// host memory (<see cref="VkHostBuffer"/>, what ONNX Runtime on the CPU reads and writes) or
/// device memory shared with CUDA (Interop.VkSharedBuffer, the zero-copy path).
/// Buffers whose memory another API may use are <see cref="SharedExternally"/>: Vulkan takes them
/// from that API before using them and hands them back after (VkCommandRecorder.AcquireFromExternal,
/// ReleaseToExternal).
/// Thread-safety: the handle, size and name are immutable; ordering access to the contents is the caller's job.
/// Ownership: whoever created it disposes it; passes only bind it.
/// </summary>
public interface IVkStorageBuffer : IDisposable
{
    Buffer Handle { get; }

    /// <summary>Bytes the buffer holds.</summary>
    ulong Size { get; }

    /// <summary>Names it in validation messages.</summary>
    string Name { get; }

    /// <summary>
    /// Its memory may be used by another API (CUDA) too: the buffer is exclusive to one queue family,
    /// so the spec asks for an ownership transfer from VK_QUEUE_FAMILY_EXTERNAL before each use here
    /// and back to it after.
    /// </summary>
    bool SharedExternally { get; }
}
