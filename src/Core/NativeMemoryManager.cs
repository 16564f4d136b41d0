using System.Buffers;

namespace ClipLit.Core;

/// <summary>
/// A <see cref="Memory{T}"/> over native memory someone else owns (e.g. a mapped Vulkan buffer), so
/// APIs that take Memory (ONNX Runtime tensors among them) read and write it in place.
/// Thread-safety: as the memory it wraps. Ownership: owns nothing; the memory must outlive every
/// Memory handed out.
/// </summary>
public sealed unsafe class NativeMemoryManager<T>(void* pointer, int length) : MemoryManager<T> where T : unmanaged
{
    public override Span<T> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle((T*)pointer + elementIndex);
    }

    public override void Unpin()
    {
        // Native memory does not move.
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing owned.
    }
}
