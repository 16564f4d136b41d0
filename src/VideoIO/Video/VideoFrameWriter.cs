using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Pipes;

namespace ClipLit.VideoIO.Video;

/// <summary>Encoding choices for video outputs.</summary>
/// <param name="Codec">FFmpeg encoder name; null: libx264 (mp4, mov, mkv, avi) or libvpx-vp9 (webm).</param>
/// <param name="Crf">Constant rate factor (quality; lower is better and larger); null: 18 for H.264, 31 for VP9. Ignored when <paramref name="Bitrate"/> is set.</param>
/// <param name="Bitrate">Target bitrate such as "8M"; null: quality-based (CRF).</param>
/// <param name="Preset">Encoder speed preset (x264/x265: ultrafast..veryslow); null: the encoder's default ("medium").</param>
public sealed record VideoEncodeOptions(string? Codec, int? Crf, string? Bitrate, string? Preset)
{
    public static VideoEncodeOptions Default { get; } = new(null, null, null, null);
}

/// <summary>
/// Encodes RGBA8 frames with their timestamps into a video file with ffmpeg (through FFMpegCore):
/// frames go over a pipe as uncompressed Matroska (exact per-frame timestamps, so variable frame
/// rates survive), and the source's audio and subtitle streams, metadata and chapters are copied
/// from the original file untouched. The codec follows the container unless told otherwise.
/// Thread-safety: one writer thread. Ownership: owns the ffmpeg process (FFMpegCore runs it and
/// hands back its standard error with the result); the output file belongs to the caller (write to
/// a temporary name and rename when <see cref="CompleteAsync"/> succeeds).
/// </summary>
public sealed class VideoFrameWriter : IFrameSink
{
    private readonly Channel<(ReadOnlyMemory<byte> Frame, long Timestamp, TaskCompletionSource Written)> _frames =
        Channel.CreateBounded<(ReadOnlyMemory<byte>, long, TaskCompletionSource)>(1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<FFMpegResult> _process;
    private readonly string _output;
    private bool _completed;
    private bool _disposed;

    /// <param name="source">The video the frames come from (size, time base).</param>
    /// <param name="outputPath">Where ffmpeg writes (a temporary name).</param>
    /// <param name="finalPath">The name the output will get (its extension picks the container and codec).</param>
    /// <param name="options">Codec choices.</param>
    /// <param name="copyStreams">Copy audio, subtitles, metadata and chapters from <c>source.Path</c>; false when it is no file (an image sequence).</param>
    public VideoFrameWriter(VideoInfo source, string outputPath, string finalPath, VideoEncodeOptions options, bool copyStreams = true)
    {
        _output = outputPath;
        string extension = Path.GetExtension(finalPath).ToLowerInvariant();
        Muxer = MuxerFor(extension) ?? throw new VideoFileException(finalPath, $"unsupported video extension '{extension}' (use .mp4, .mov, .mkv, .webm or .avi)");
        var pipe = new FramePipe(this, source.Width, source.Height);
        string arguments = OutputArguments(source, extension, options, copyStreams);
        var inputs = FFMpegArguments.FromPipeInput(pipe);
        if (copyStreams) inputs = inputs.AddFileInput(source.Path);
        _process = inputs
            .OutputToFile(outputPath, overwrite: true, o => o.ForceFormat(Muxer).WithCustomArgument(arguments))
            .CancellableThrough(_stop.Token)
            .ProcessAsynchronously(throwOnError: false);
        _process.ContinueWith(_ =>
        {
            // ffmpeg is gone: fail frames still waiting to be written instead of leaving writers hanging.
            _frames.Writer.TryComplete();
            while (_frames.Reader.TryRead(out var pending)) pending.Written.TrySetCanceled();
        }, TaskScheduler.Default);
    }

    /// <summary>The FFmpeg muxer used (from the final path's extension).</summary>
    public string Muxer { get; }

    /// <summary>Encodes one frame; returns once the frame's bytes have been handed to ffmpeg (the buffer may then be reused).</summary>
    /// <exception cref="VideoFileException">ffmpeg stopped (its error is in the message).</exception>
    public async Task WriteAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _frames.Writer.WriteAsync((rgba, timestampMicroseconds, written), cancellation);
            await written.Task.WaitAsync(cancellation);
        }
        catch (ChannelClosedException)
        {
            throw await FailureAsync();
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw await FailureAsync();
        }
    }

    /// <summary>Ends the stream and waits for ffmpeg to finish the file.</summary>
    /// <exception cref="VideoFileException">ffmpeg failed.</exception>
    public async Task CompleteAsync()
    {
        _frames.Writer.TryComplete();
        var result = await _process;
        _completed = true;
        if (!result.Success) throw Failure(result);
    }

    /// <summary>Stops ffmpeg unless <see cref="CompleteAsync"/> finished it, and waits for it; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _frames.Writer.TryComplete();
        if (!_completed && !_process.IsCompleted) await _stop.CancelAsync();
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

    private async Task<VideoFileException> FailureAsync() => Failure(await _process);

    private VideoFileException Failure(FFMpegResult result)
    {
        string detail = result.StandardError.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? $"exit code {result.ExitCode}";
        return new VideoFileException(_output, $"ffmpeg could not encode the video ({detail})");
    }

    /// <summary>The FFmpeg muxer for a file extension (lower case, with the dot), or null when ClipLit does not write it.</summary>
    internal static string? MuxerFor(string extension) => extension switch
    {
        ".mp4" or ".m4v" => "mp4",
        ".mov" => "mov",
        ".mkv" => "matroska",
        ".webm" => "webm",
        ".avi" => "avi",
        _ => null,
    };

    private static string OutputArguments(VideoInfo source, string extension, VideoEncodeOptions options, bool copyStreams)
    {
        bool webm = extension == ".webm";
        string codec = options.Codec ?? (webm ? "libvpx-vp9" : "libx264");
        var args = new List<string>
        {
            // Timestamps exactly as given (both inputs keep their original timeline, so audio stays in sync).
            "-copyts", "-fps_mode passthrough",
            copyStreams ? "-map 0:v:0 -map 1:a? -map 1:s? -map_metadata 1 -map_chapters 1 -c:a copy -c:s copy" : "-map 0:v:0",
            $"-c:v {codec}",
            // 4:2:0 needs even sizes: pad odd ones by a pixel rather than fail.
            "-vf pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt yuv420p",
        };
        if (options.Bitrate is { } bitrate) args.Add($"-b:v {bitrate}");
        else args.Add(codec.Contains("vp9", StringComparison.Ordinal) || codec.Contains("vp8", StringComparison.Ordinal)
            ? $"-crf {options.Crf ?? 31} -b:v 0"
            : $"-crf {options.Crf ?? 18}");
        if (options.Preset is { } preset) args.Add($"-preset {preset}");
        if (codec == "libvpx-vp9") args.Add("-row-mt 1");
        if (extension is ".mp4" or ".m4v" or ".mov")
        {
            args.Add($"-video_track_timescale {source.TimeBaseDenominator}");
            args.Add("-movflags +faststart");
        }
        return string.Join(' ', args);
    }

    /// <summary>The pipe FFmpeg reads: our frames as uncompressed Matroska.</summary>
    private sealed class FramePipe(VideoFrameWriter owner, int width, int height) : IPipeSource
    {
        public string GetStreamArguments() => "-f matroska";

        public async Task WriteAsync(Stream outputStream, CancellationToken cancellation)
        {
            var matroska = new MatroskaRawVideoWriter(outputStream, width, height);
            await foreach (var (frame, timestamp, written) in owner._frames.Reader.ReadAllAsync(cancellation))
            {
                try
                {
                    await matroska.WriteFrameAsync(frame, timestamp, cancellation);
                    written.TrySetResult();
                }
                catch (Exception e)
                {
                    written.TrySetException(e);
                    throw;
                }
            }
        }
    }
}
