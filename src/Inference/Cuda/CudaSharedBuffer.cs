using static ClipLit.Inference.Cuda.CudaNative;

namespace ClipLit.Inference.Cuda;

/// <summary>
/// Memory that Vulkan exported (an opaque file descriptor of a dedicated allocation), imported into
/// CUDA and mapped to a device pointer: ONNX Runtime reads the network's input from it and writes
/// the light map into it while the Vulkan shaders use the same bytes.
/// Thread-safety: immutable; ordering access is the caller's job (the frame engine orders it on the host). Ownership: owns the import and
/// the mapping (and, once constructed, the descriptor); Dispose releases them (safe twice;
/// <see cref="DevicePointer"/> throws ObjectDisposedException afterwards). Not the context.
/// </summary>
public sealed unsafe class CudaSharedBuffer : IDisposable
{
    private readonly CudaContext _context;
    private readonly nint _memory;
    private readonly ulong _devicePointer;
    private bool _disposed;

    /// <param name="context">The CUDA device that is the Vulkan device.</param>
    /// <param name="descriptor">From VkSharedBuffer.ExportDescriptor; taken either way (CUDA owns it, or it is closed when the import fails).</param>
    /// <param name="allocationSize">The Vulkan allocation's size (VkSharedBuffer.AllocationSize).</param>
    /// <param name="bytes">Bytes to map from the start (VkSharedBuffer.Size).</param>
    public CudaSharedBuffer(CudaContext context, int descriptor, ulong allocationSize, ulong bytes)
    {
        _context = context;
        Bytes = bytes;
        using var _ = UseOrClose(context, descriptor);
        var handle = new ExternalMemoryHandleDesc { Handle = new ExternalHandle(ExternalMemoryOpaqueFd, descriptor), Size = allocationSize, Flags = ExternalMemoryDedicated };
        int imported = cuImportExternalMemory(out _memory, &handle);
        // A successful import owns the descriptor; a refused one leaves it open.
        if (imported != 0) CloseDescriptor(descriptor);
        Check(imported, nameof(cuImportExternalMemory));
        try
        {
            var buffer = new ExternalMemoryBufferDesc { Offset = 0, Size = bytes };
            Check(cuExternalMemoryGetMappedBuffer(out _devicePointer, _memory, &buffer));
        }
        catch
        {
            cuDestroyExternalMemory(_memory);
            throw;
        }
    }

    /// <summary>Makes the context current; if that fails the import never takes the descriptor, so it is closed here.</summary>
    internal static IDisposable UseOrClose(CudaContext context, int descriptor)
    {
        try
        {
            return context.Use();
        }
        catch
        {
            CloseDescriptor(descriptor);
            throw;
        }
    }

    /// <summary>The CUdeviceptr ONNX Runtime's tensors are created over.</summary>
    public ulong DevicePointer => _disposed ? throw new ObjectDisposedException(nameof(CudaSharedBuffer)) : _devicePointer;

    public ulong Bytes { get; }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using var _ = _context.Use();
        // Work still queued on the GPU (a failed run's kernels, say) may use these bytes: let it end
        // before the mapping goes. A failing synchronize is a lost context (a sticky error), which
        // the run that lost it has already reported; the frees run either way.
        cuCtxSynchronize();
        try
        {
            Check(cuMemFree(_devicePointer));
        }
        finally
        {
            Check(cuDestroyExternalMemory(_memory));
        }
    }
}
