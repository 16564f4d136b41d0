namespace ClipLit.VideoIO.Video;

/// <summary>One frame read from a source: whether there was one, and its timestamp in microseconds.</summary>
public readonly record struct SourceFrame(bool HasFrame, long Timestamp)
{
    public static SourceFrame End => new(false, 0);
}

/// <summary>
/// Where frames come from, in order, as RGBA8 of a fixed size: a video file now; cameras and
/// network streams later. The caller provides the buffer, so sources can decode straight into
/// mapped device memory.
/// Thread-safety: one reader. Ownership: a source owns its decoder; DisposeAsync stops it.
/// </summary>
public interface IFrameSource : IAsyncDisposable
{
    int Width { get; }

    int Height { get; }

    /// <summary>Frames the source will deliver, when known (files), else null (live sources).</summary>
    int? FrameCount { get; }

    /// <summary>Reads the next frame (Width·Height·4 bytes) into <paramref name="destination"/>.</summary>
    ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation);

    /// <summary>Ends reading; null when every frame was delivered cleanly, else one line saying what went wrong.</summary>
    Task<string?> FinishAsync();
}

/// <summary>
/// Where enhanced frames go, in order, with their timestamps: a video file now; virtual cameras and
/// streams later.
/// Thread-safety: one writer. Ownership: a sink owns its encoder; DisposeAsync stops it.
/// </summary>
public interface IFrameSink : IAsyncDisposable
{
    /// <summary>Takes one RGBA8 frame; returns once the buffer may be reused.</summary>
    Task WriteAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation);

    /// <summary>Ends the stream and waits until the output is complete.</summary>
    Task CompleteAsync();
}
