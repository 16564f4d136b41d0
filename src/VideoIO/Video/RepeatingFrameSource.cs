namespace ClipLit.VideoIO.Video;

/// <summary>
/// Frames from memory, repeated to a given count at 30 fps timestamps: feeds the frame engine as
/// fast as it takes them, so a benchmark measures the engine rather than a decoder, and a test
/// gives it frames it made (noise of a known level, a known pan).
/// Thread-safety: not thread-safe; the frame engine reads it from one thread.
/// </summary>
public sealed class RepeatingFrameSource(IReadOnlyList<byte[]> frames, int width, int height, int frameCount) : IFrameSource
{
    private int _next;

    public int Width => width;

    public int Height => height;

    public int? FrameCount => frameCount;

    public ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation)
    {
        if (_next >= frameCount) return ValueTask.FromResult(SourceFrame.End);
        frames[_next % frames.Count].CopyTo(destination);
        var frame = new SourceFrame(true, _next * 1_000_000L / 30);
        _next++;
        return ValueTask.FromResult(frame);
    }

    public Task<string?> FinishAsync() => Task.FromResult<string?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
