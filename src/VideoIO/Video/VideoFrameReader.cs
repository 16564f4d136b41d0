using FFMpegCore;
using FFMpegCore.Pipes;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Decodes a video file's frames in display order as RGBA8 with ffmpeg (through FFMpegCore's pipe
/// sink), straight into buffers the caller provides (e.g. mapped device memory). Rotation metadata
/// is applied by ffmpeg, so frames are upright. Frame i has timestamp <c>Info.FrameTimestamps[i]</c>.
/// Thread-safety: one reader thread. Ownership: owns the ffmpeg process; DisposeAsync stops it.
/// </summary>
public sealed class VideoFrameReader : IFrameSource
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<FFMpegResult> _process;
    private bool _ended;

    public VideoFrameReader(VideoInfo info)
    {
        Info = info;
        var sink = new StreamPipeSink(async (stream, cancellation) =>
        {
            _stream.TrySetResult(stream);
            await _finished.Task.WaitAsync(cancellation);
        });
        _process = FFMpegArguments
            .FromFileInput(info.Path)
            .OutputToPipe(sink, options => options
                .ForceFormat("rawvideo")
                .WithCustomArgument("-map 0:v:0 -pix_fmt rgba -fps_mode passthrough -an -sn -dn"))
            .CancellableThrough(_stop.Token)
            .ProcessAsynchronously(throwOnError: false);
        // If ffmpeg fails before opening the pipe, nobody would complete the stream.
        _process.ContinueWith(_ => _stream.TrySetCanceled(), TaskScheduler.Default);
    }

    public VideoInfo Info { get; }

    public int Width => Info.Width;

    public int Height => Info.Height;

    public int? FrameCount => Info.FrameCount;

    /// <summary>Frames delivered so far.</summary>
    public int FramesRead { get; private set; }

    /// <summary>Reads the next frame (Info.FrameBytes bytes) into <paramref name="destination"/>, with its timestamp from the probe.</summary>
    public async ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation)
    {
        if (_ended || FramesRead >= Info.FrameCount) return SourceFrame.End;
        Stream stream;
        try
        {
            stream = await _stream.Task.WaitAsync(cancellation);
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            _ended = true;
            return SourceFrame.End; // ffmpeg ended without producing output; Finish reports why
        }
        var frame = destination[..Info.FrameBytes];
        int filled = 0;
        try
        {
            while (filled < frame.Length)
            {
                int read = await stream.ReadAsync(frame[filled..], cancellation);
                if (read == 0) break;
                filled += read;
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException && !cancellation.IsCancellationRequested)
        {
            // ffmpeg stopped (a cut-short or corrupt source) and the pipe closed under us: the end.
        }
        if (filled < frame.Length)
        {
            _ended = true;
            return SourceFrame.End;
        }
        return new SourceFrame(true, Info.FrameTimestamps[FramesRead++]);
    }

    /// <summary>
    /// Ends decoding and returns null when every frame was decoded cleanly, else one line saying
    /// what went wrong (ffmpeg's own last error, or how many frames were missing).
    /// </summary>
    public async Task<string?> FinishAsync()
    {
        _finished.TrySetResult();
        var result = await _process;
        if (FramesRead < Info.FrameCount)
        {
            string detail = LastError(result);
            return $"only {FramesRead} of {Info.FrameCount} frames could be decoded" + (detail.Length > 0 ? $" ({detail})" : "");
        }
        return null;
    }

    private static string LastError(FFMpegResult result) =>
        result.StandardError.LastOrDefault(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("nvalid", StringComparison.Ordinal))?.Trim() ?? "";

    public async ValueTask DisposeAsync()
    {
        _finished.TrySetResult();
        if (!_process.IsCompleted) await _stop.CancelAsync();
        try
        {
            await _process;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Stopping early is how a cancelled or failed run ends.
        }
        _stop.Dispose();
    }
}
