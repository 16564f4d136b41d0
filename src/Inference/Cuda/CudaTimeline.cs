using static ClipLit.Inference.Cuda.CudaNative;

namespace ClipLit.Inference.Cuda;

/// <summary>
/// A Vulkan timeline semaphore imported into CUDA: the stream waits for the value Vulkan signals
/// when the network's input is written, and signals the value Vulkan waits for before composing.
/// Thread-safety: enqueue from one thread. Ownership: owns the import (and, once constructed, the
/// descriptor), not the context; Dispose destroys it (safe twice; enqueueing afterwards throws
/// ObjectDisposedException).
/// </summary>
public sealed unsafe class CudaTimeline : IDisposable
{
    private readonly CudaContext _context;
    private readonly nint _semaphore;
    private bool _disposed;

    /// <param name="context">The CUDA device that is the Vulkan device.</param>
    /// <param name="descriptor">From VkTimeline.ExportDescriptor; taken either way (CUDA owns it, or it is closed when the import fails).</param>
    public CudaTimeline(CudaContext context, int descriptor)
    {
        _context = context;
        using var _ = CudaSharedBuffer.UseOrClose(context, descriptor);
        var handle = new ExternalSemaphoreHandleDesc { Handle = new ExternalHandle(ExternalSemaphoreTimelineFd, descriptor) };
        int imported = cuImportExternalSemaphore(out _semaphore, &handle);
        if (imported != 0) CloseDescriptor(descriptor);
        Check(imported, nameof(cuImportExternalSemaphore));
    }

    /// <summary>Makes later work on the context's stream wait until the timeline reaches <paramref name="value"/>.</summary>
    public void EnqueueWait(ulong value) => Enqueue(value, signal: false);

    /// <summary>Sets the timeline to <paramref name="value"/> once the stream's earlier work is done.</summary>
    public void EnqueueSignal(ulong value) => Enqueue(value, signal: true);

    private void Enqueue(ulong value, bool signal)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var _ = _context.Use();
        var semaphore = _semaphore;
        var parameters = new ExternalSemaphoreParams { FenceValue = value };
        Check(signal
            ? cuSignalExternalSemaphoresAsync(&semaphore, &parameters, 1, _context.Stream)
            : cuWaitExternalSemaphoresAsync(&semaphore, &parameters, 1, _context.Stream));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using var _ = _context.Use();
        Check(cuDestroyExternalSemaphore(_semaphore));
    }
}
