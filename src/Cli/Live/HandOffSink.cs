using System.Threading.Channels;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Live;

/// <summary>
/// The frame engine's sink for the live window: each enhanced frame is handed to the window's
/// thread (GLFW and presentation live there) and the engine waits until that thread has copied
/// it, so the engine's buffer can be reused. One frame at a time: nothing queues up.
/// Thread-safety: the engine writes from its compose thread; the window thread takes.
/// </summary>
public sealed class HandOffSink : IFrameSink
{
    private readonly Channel<HandedFrame> _frames = Channel.CreateBounded<HandedFrame>(1);

    public async Task WriteAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation)
    {
        var frame = new HandedFrame(rgba, timestampMicroseconds);
        await _frames.Writer.WriteAsync(frame, cancellation);
        await frame.Taken.Task.WaitAsync(cancellation);
    }

    /// <summary>The next frame, if one arrives within <paramref name="wait"/>; call <see cref="HandedFrame.Release"/> once copied.</summary>
    public HandedFrame? TryTake(TimeSpan wait)
    {
        if (_frames.Reader.TryRead(out var frame)) return frame;
        try
        {
            if (!_frames.Reader.WaitToReadAsync().AsTask().Wait(wait)) return null;
        }
        catch (AggregateException)
        {
            return null;
        }
        return _frames.Reader.TryRead(out frame) ? frame : null;
    }

    /// <summary>The engine has finished one pass over the source (a looping source starts another).</summary>
    public Task CompleteAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>One enhanced frame waiting for the window thread.</summary>
public sealed class HandedFrame(ReadOnlyMemory<byte> rgba, long timestamp)
{
    public ReadOnlyMemory<byte> Rgba { get; } = rgba;

    /// <summary>Presentation time in microseconds from the source's start.</summary>
    public long Timestamp { get; } = timestamp;

    internal TaskCompletionSource Taken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The pixels have been copied; the engine may reuse its buffer.</summary>
    public void Release() => Taken.TrySetResult();
}
