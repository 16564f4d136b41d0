using System.Diagnostics;
using ClipLit.Renderer.Presentation;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Live;

/// <summary>
/// The live view's source over the whole run: read ahead of the window thread (one ring for the
/// run: a looping file or a returning camera reopens its source often), a file started again when
/// looping, a camera that went away reopened once a second while the last picture stays on screen
/// with a message.
/// Thread-safety: the window thread. Ownership: owns the ring; each <see cref="ReadAheadSource"/> it
/// opens belongs to the caller.
/// </summary>
/// <param name="info">The source.</param>
/// <param name="loop">Start a file again at its end.</param>
/// <param name="window">The window (kept responsive while a camera is retried); null: headless.</param>
/// <param name="presentHeld">Presents the last picture again (while retrying).</param>
/// <param name="hud">Where messages show on the picture.</param>
/// <param name="log">The lines a user reads.</param>
public sealed class SourcePlayback(LiveInput info, bool loop, GlfwWindow? window, Action presentHeld, LiveHud hud, TextWriter log)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private byte[][] _ring = [];

    /// <summary>
    /// The decoder runs ahead of the window thread in a ring of two frames; a camera or stream the loop
    /// fell behind skips to its newest frame (latest wins), a file delivers every frame, one decoded ahead
    /// while the loop keeps pace (<see cref="ReadAheadSource.FramesAhead"/>: with two, each frame waited
    /// about two frame periods, 68 ms p50 latency at 30 fps against 34, for no frame shown more), two once
    /// it fell behind (<see cref="LiveLoop"/>). Takes ownership of <paramref name="source"/>.
    /// </summary>
    public ReadAheadSource ReadAhead(IFrameSource source)
    {
        if (_ring.Length == 0) _ring = [new byte[4 * info.Width * info.Height], new byte[4 * info.Width * info.Height]];
        return new ReadAheadSource(source, _ring, latestWins: info.IsCamera, framesAhead: info.IsCamera ? 2 : 1);
    }

    /// <summary>
    /// The source ran out (not cancelled): a file's decoding problem is an error; a camera's end is
    /// a note, and it is retried.
    /// </summary>
    /// <exception cref="VideoFileException">The file failed to decode.</exception>
    public void Ended(ReadAheadSource reader, CancellationToken cancellation)
    {
        string? problem = cancellation.IsCancellationRequested ? null : reader.FinishAsync().GetAwaiter().GetResult();
        if (problem is not null && !info.IsCamera) throw new VideoFileException(info.Name, problem);
        if (info.IsCamera && !cancellation.IsCancellationRequested)
        {
            log.WriteLine($"note: {info.Name} stopped ({problem}); retrying every {RetryInterval.TotalSeconds:F0} s");
            hud.Message($"{info.Name}: no signal, retrying");
        }
    }

    /// <summary>What plays next: the file again when looping, the camera once it is back; null: the run ends.</summary>
    public ReadAheadSource? Next(CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested || (!info.IsCamera && !loop)) return null;
        var reopened = info.IsCamera ? Reopen(cancellation) : info.Open();
        return reopened is null ? null : ReadAhead(reopened);
    }

    /// <summary>
    /// Opens a camera that went away again, once a second, keeping the window responsive and
    /// showing the last picture with a message; null when the user quits or the run is cancelled first.
    /// </summary>
    private IFrameSource? Reopen(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested && window?.ShouldClose != true)
        {
            if (window is not null) window.Title = $"ClipLit - {info.Name} - no signal, retrying";
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < RetryInterval && !cancellation.IsCancellationRequested)
            {
                window?.PollEvents();
                presentHeld();
                Thread.Sleep(15);
            }
            try
            {
                var source = info.Open();
                if (source.Width == info.Width && source.Height == info.Height)
                {
                    log.WriteLine($"note: {info.Name} is back");
                    hud.Message($"{info.Name} is back");
                    return source;
                }
                source.DisposeAsync().AsTask().GetAwaiter().GetResult();
                log.WriteLine($"note: {info.Name} came back at {source.Width}x{source.Height}, not {info.Width}x{info.Height}; still retrying");
            }
            catch (VideoFileException)
            {
                hud.Message($"{info.Name}: no signal, retrying");
            }
        }
        return null;
    }
}
