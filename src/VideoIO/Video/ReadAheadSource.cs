using System.Diagnostics;
using System.Threading.Channels;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Reads a source ahead on its own task into a fixed ring of frame buffers, so the decoder (an
/// FFmpeg process writing through a pipe much smaller than a frame) keeps working while the
/// caller renders and presents, instead of being drained in pipe-sized steps on demand.
/// With <c>latestWins</c> (cameras, streams) a caller that fell behind gets the newest frame and
/// the older waiting ones are dropped; otherwise (files) every frame is delivered.
/// A frame waits in the ring from its decoding until the caller takes it, and that wait is part of
/// what a viewer sees as latency: each frame decoded ahead is up to a frame period more.
/// <see cref="FramesAhead"/> limits how many may wait: a caller keeping pace wants one (the decoder
/// works on the next frame while the caller renders this one), one that fell behind two (the frame it
/// skips to is decoded meanwhile). Latest-wins needs two buffers (one to take while a newer one is written).
/// Memory: <c>depth</c> frames, whatever the video's length.
/// Thread-safety: one reader. Ownership: owns the inner source; DisposeAsync stops the task and it.
/// </summary>
public sealed class ReadAheadSource : IFrameSource
{
    private readonly IFrameSource _inner;
    private readonly bool _latestWins;
    private readonly Channel<byte[]> _free;
    private readonly Channel<(byte[] Buffer, SourceFrame Frame, long Arrived)> _filled;
    private readonly SemaphoreSlim _taken = new(0); // a frame was taken: the decoder may be allowed another
    private readonly int _depth;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private int _framesAhead;
    private bool _endTaken;
    private bool _disposed;

    /// <summary>Reads ahead into <paramref name="depth"/> frame buffers of its own; takes ownership of <paramref name="inner"/>.</summary>
    public ReadAheadSource(IFrameSource inner, int depth, bool latestWins)
        : this(inner, [.. Enumerable.Range(0, depth).Select(_ => new byte[4 * inner.Width * inner.Height])], latestWins)
    {
    }

    /// <summary>
    /// Reads ahead into the caller's <paramref name="buffers"/> (each a whole frame; at least two with
    /// <paramref name="latestWins"/>, else at least one), which
    /// are free again once this source is disposed: a loop that reopens its source (looping, a camera
    /// coming back) reuses them instead of allocating frames each time. Takes ownership of <paramref name="inner"/>.
    /// </summary>
    /// <param name="inner">The source read ahead.</param>
    /// <param name="buffers">The ring.</param>
    /// <param name="latestWins">A caller that fell behind gets the newest frame (cameras, streams).</param>
    /// <param name="framesAhead">The first <see cref="FramesAhead"/>; null: as many as there are buffers.</param>
    public ReadAheadSource(IFrameSource inner, IReadOnlyList<byte[]> buffers, bool latestWins, int? framesAhead = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffers.Count, latestWins ? 2 : 1);
        if (buffers.Any(b => b.Length < 4 * inner.Width * inner.Height)) throw new ArgumentException("every buffer must hold a whole frame", nameof(buffers));
        _inner = inner;
        _latestWins = latestWins;
        _depth = buffers.Count;
        _framesAhead = Math.Clamp(framesAhead ?? _depth, 1, _depth);
        _free = Channel.CreateBounded<byte[]>(buffers.Count);
        _filled = Channel.CreateBounded<(byte[], SourceFrame, long)>(buffers.Count);
        foreach (var buffer in buffers) _free.Writer.TryWrite(buffer);
        _reading = Task.Run(ReadAheadAsync);
    }

    public int Width => _inner.Width;

    public int Height => _inner.Height;

    public int? FrameCount => _inner.FrameCount;

    /// <summary>
    /// How many decoded frames may wait for the caller: 1 to the number of buffers. Raising it lets the
    /// decoder go on at once; lowering it takes effect as the waiting frames are taken.
    /// </summary>
    public int FramesAhead
    {
        get => Volatile.Read(ref _framesAhead);
        set
        {
            int frames = Math.Clamp(value, 1, _depth);
            if (Interlocked.Exchange(ref _framesAhead, frames) < frames) WakeDecoder();
        }
    }

    /// <summary>When the frame last returned by <see cref="ReadAsync"/> had been decoded (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastArrival { get; private set; }

    /// <summary>Whether a decoded frame is waiting to be read.</summary>
    public bool HasWaitingFrame => _filled.Reader.Count > 0;

    /// <summary>Frames dropped because a newer one was waiting (latest-wins sources only).</summary>
    public int Dropped { get; private set; }

    public async ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation)
    {
        if (_endTaken) return SourceFrame.End;
        // Completed after the end (or rethrowing the source's failure): nothing more to read.
        if (!await _filled.Reader.WaitToReadAsync(cancellation) || !_filled.Reader.TryRead(out var next)) return SourceFrame.End;
        var (buffer, frame, arrived) = next;
        while (_latestWins && frame.HasFrame && _filled.Reader.TryRead(out var newer))
        {
            if (!newer.Frame.HasFrame)
            {
                // The end is behind this frame: this one is the last, and the end comes next time.
                _free.Writer.TryWrite(newer.Buffer);
                _endTaken = true;
                break;
            }
            _free.Writer.TryWrite(buffer);
            Dropped++;
            (buffer, frame, arrived) = newer;
        }
        if (frame.HasFrame) buffer.AsMemory(0, 4 * Width * Height).CopyTo(destination);
        LastArrival = arrived;
        _free.Writer.TryWrite(buffer);
        WakeDecoder();
        return frame;
    }

    // One pending wake-up is enough: the decoder checks again how many frames wait each time it wakes.
    private void WakeDecoder()
    {
        if (_taken.CurrentCount == 0) _taken.Release();
    }

    private async Task ReadAheadAsync()
    {
        var token = _stop.Token;
        try
        {
            while (true)
            {
                var buffer = await _free.Reader.ReadAsync(token);
                while (_filled.Reader.Count >= FramesAhead) await _taken.WaitAsync(token);
                var frame = await _inner.ReadAsync(buffer, token);
                await _filled.Writer.WriteAsync((buffer, frame, Stopwatch.GetTimestamp()), token);
                if (!frame.HasFrame) break;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped by FinishAsync or DisposeAsync.
        }
        catch (Exception e)
        {
            _filled.Writer.TryComplete(e);
            return;
        }
        _filled.Writer.TryComplete();
    }

    public async Task<string?> FinishAsync()
    {
        // The caller stops reading: frames read ahead are not wanted; the inner source says how it ended.
        await _stop.CancelAsync();
        await _reading;
        return await _inner.FinishAsync();
    }

    /// <summary>Stops reading ahead and disposes the inner source; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
        _taken.Dispose();
        await _inner.DisposeAsync();
    }
}
