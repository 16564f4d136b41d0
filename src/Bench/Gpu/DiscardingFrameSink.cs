using ClipLit.VideoIO.Video;

namespace ClipLit.Bench.Gpu;

/// <summary>
/// Takes enhanced frames and keeps none (counting them): a benchmark of the engine without an encoder.
/// Thread-safety: not thread-safe; the frame engine writes it from one thread.
/// </summary>
public sealed class DiscardingFrameSink : IFrameSink
{
    public int Frames { get; private set; }

    public Task WriteAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation)
    {
        Frames++;
        return Task.CompletedTask;
    }

    public Task CompleteAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
