using ClipLit.Inference.Cuda;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// One tensor buffer both APIs see: Vulkan device memory (<see cref="VkSharedBuffer"/>, what the
/// shaders bind) exported and imported into CUDA (<see cref="CudaSharedBuffer"/>, what ONNX Runtime's
/// tensors are created over).
/// Thread-safety: the handles are immutable; ordering access to the contents is the caller's job (the frame engine orders it on the host).
/// Ownership: owns both halves; Dispose releases the CUDA import, then the Vulkan memory (safe twice).
/// </summary>
public sealed class CudaVisibleBuffer : IVkStorageBuffer
{
    private bool _disposed;

    /// <summary>Takes ownership of both halves.</summary>
    private CudaVisibleBuffer(VkSharedBuffer vulkan, CudaSharedBuffer cuda)
    {
        Vulkan = vulkan;
        Cuda = cuda;
    }

    public VkSharedBuffer Vulkan { get; }

    public CudaSharedBuffer Cuda { get; }

    public Buffer Handle => Vulkan.Handle;

    public ulong Size => Vulkan.Size;

    public string Name => Vulkan.Name;

    public bool SharedExternally => Vulkan.SharedExternally;

    /// <exception cref="VulkanException">Vulkan could not allocate or export it.</exception>
    /// <exception cref="CudaException">CUDA could not import or map it.</exception>
    public static CudaVisibleBuffer Allocate(VkComputeDevice device, CudaContext context, ulong bytes, string name)
    {
        var vulkan = VkSharedBuffer.Allocate(device, bytes, name);
        try
        {
            // The CUDA import takes ownership of the exported descriptor, whether it succeeds or not.
            return new CudaVisibleBuffer(vulkan, new CudaSharedBuffer(context, vulkan.ExportDescriptor(), vulkan.AllocationSize, vulkan.Size));
        }
        catch
        {
            vulkan.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Cuda.Dispose();
        }
        finally
        {
            Vulkan.Dispose();
        }
    }
}
