using System.Globalization;

namespace ClipLit.VideoIO.Video;

/// <summary>Encoding choices for video outputs.</summary>
/// <param name="Codec">FFmpeg encoder name; null: libx264 (mp4, mov, mkv, avi) or libvpx-vp9 (webm).</param>
/// <param name="Crf">Constant rate factor (quality; lower is better and larger); null: 18 for H.264, 31 for VP9. Ignored when <paramref name="Bitrate"/> is set.</param>
/// <param name="Bitrate">Target bitrate such as "8M"; null: quality-based (CRF).</param>
/// <param name="Preset">Encoder speed preset (x264/x265: ultrafast..veryslow); null: the encoder's default ("medium").</param>
public sealed record VideoEncodeOptions(string? Codec, int? Crf, string? Bitrate, string? Preset)
{
    public static VideoEncodeOptions Default { get; } = new(null, null, null, null);

    /// <summary>The encoder for a file of <paramref name="extension"/> (lower case, with the dot).</summary>
    public string CodecFor(string extension) => Codec ?? (extension == ".webm" ? "libvpx-vp9" : "libx264");

    /// <summary>The encoder's arguments: codec, then rate control (bitrate, else CRF), preset, and VP9's row threads.</summary>
    public IReadOnlyList<string> EncoderArguments(string extension)
    {
        string codec = CodecFor(extension);
        var arguments = new List<string> { "-c:v", codec };
        if (Bitrate is { } bitrate) arguments.AddRange(["-b:v", bitrate]);
        else if (codec.Contains("vp9", StringComparison.Ordinal) || codec.Contains("vp8", StringComparison.Ordinal))
            arguments.AddRange(["-crf", (Crf ?? 31).ToString(CultureInfo.InvariantCulture), "-b:v", "0"]);
        else arguments.AddRange(["-crf", (Crf ?? 18).ToString(CultureInfo.InvariantCulture)]);
        if (Preset is { } preset) arguments.AddRange(["-preset", preset]);
        if (codec == "libvpx-vp9") arguments.AddRange(["-row-mt", "1"]);
        return arguments;
    }
}

/// <summary>
/// Encodes RGBA8 frames with their timestamps into a video file with ffmpeg: frames go to ffmpeg's
/// standard input as uncompressed Matroska (exact per-frame timestamps, so variable frame rates
/// survive), and the source's audio and subtitle streams, metadata and chapters are copied from
/// the original file untouched. The codec follows the container unless told otherwise.
/// <see cref="CompleteAsync"/> succeeds only for a file that is verified: ffmpeg exited cleanly and
/// the file reads back (ffprobe) with every frame written and the streams copied; ffmpeg 5.1 exits
/// 0 when it cannot write an MP4's index on a full disk, so its exit status alone proves nothing.
/// Thread-safety: one writer thread. Ownership: owns the ffmpeg process (DisposeAsync stops it;
/// safe twice); the output file belongs to the caller (a temporary name, renamed once verified).
/// </summary>
public sealed class VideoFrameWriter : IFrameSink
{
    private readonly FfmpegProcess _ffmpeg;
    private readonly MatroskaRawVideoWriter _matroska;
    private readonly VideoInfo _source;
    private readonly string _output;
    private readonly string _finalPath;
    private readonly bool _copyStreams;
    private int _framesWritten;
    private bool _completed;

    /// <param name="source">The video the frames come from (size, time base, the streams to copy).</param>
    /// <param name="outputPath">Where ffmpeg writes (a temporary name, which may exist: it is replaced).</param>
    /// <param name="finalPath">The name the output will get (its extension picks the container and codec).</param>
    /// <param name="options">Codec choices.</param>
    /// <param name="copyStreams">Copy audio, subtitles, metadata and chapters from <c>source.Path</c>; false when it is no file (an image sequence) or for a part.</param>
    /// <exception cref="VideoFileException">The extension is not a video container ClipLit writes, or ffmpeg could not be started.</exception>
    public VideoFrameWriter(VideoInfo source, string outputPath, string finalPath, VideoEncodeOptions options, bool copyStreams = true)
    {
        _source = source;
        _output = outputPath;
        _finalPath = finalPath;
        _copyStreams = copyStreams;
        string extension = Path.GetExtension(finalPath).ToLowerInvariant();
        Muxer = MuxerFor(extension) ?? throw new VideoFileException(finalPath, $"unsupported video extension '{extension}' (use .mp4, .mov, .mkv, .webm or .avi)");
        _ffmpeg = FfmpegProcess.StartWriting(finalPath, Arguments(source, outputPath, extension, options, copyStreams));
        _matroska = new MatroskaRawVideoWriter(_ffmpeg.Input, source.Width, source.Height);
    }

    /// <summary>The FFmpeg muxer used (from the final path's extension).</summary>
    public string Muxer { get; }

    /// <summary>Encodes one frame; returns once the frame's bytes have been handed to ffmpeg (the buffer may then be reused).</summary>
    /// <exception cref="VideoFileException">ffmpeg stopped (its error is in the message).</exception>
    public async Task WriteAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation)
    {
        try
        {
            await _matroska.WriteFrameAsync(rgba, timestampMicroseconds, cancellation);
            _framesWritten++;
        }
        catch (IOException) when (!cancellation.IsCancellationRequested)
        {
            // ffmpeg went away (a full disk, a bad option): its own error says why.
            await _ffmpeg.WaitForExitAsync(CancellationToken.None);
            throw Failure("could not encode the video");
        }
    }

    /// <summary>Ends the stream, waits for ffmpeg to finish the file, and verifies it.</summary>
    /// <exception cref="VideoFileException">ffmpeg failed, or the file does not read back with every frame and stream (the message says why).</exception>
    public async Task CompleteAsync()
    {
        try
        {
            await _ffmpeg.Input.FlushAsync();
            _ffmpeg.CloseInput();
        }
        catch (IOException)
        {
            // ffmpeg went away before reading all of it: its exit status and error say why.
        }
        await _ffmpeg.WaitForExitAsync(CancellationToken.None);
        _completed = true;
        if (_ffmpeg.ExitCode != 0) throw Failure("could not encode the video");
        VideoOutputCheck.Verify(_output, _finalPath, _framesWritten, _copyStreams ? _source : null, ErrorLine());
    }

    /// <summary>Stops ffmpeg unless <see cref="CompleteAsync"/> finished it, and waits for it; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed) await _ffmpeg.DisposeAsync();
        else _ffmpeg.Dispose();
    }

    private VideoFileException Failure(string what) =>
        new(_finalPath, $"ffmpeg {what} ({ErrorLine() ?? $"exit code {_ffmpeg.ExitCode}"})");

    /// <summary>ffmpeg's last error line, naming the output by its final name rather than its temporary's.</summary>
    private string? ErrorLine() => _ffmpeg.LastErrorLine()?.Replace(FfmpegTools.FileArgument(_output), _finalPath, StringComparison.Ordinal);

    /// <summary>The video containers ClipLit writes, for messages.</summary>
    public const string WritableExtensions = ".mp4, .m4v, .mov, .mkv, .webm, .avi";

    /// <summary>Whether ClipLit writes a video named <paramref name="path"/> (by its extension, any case).</summary>
    public static bool CanWrite(string path) => MuxerFor(Path.GetExtension(path).ToLowerInvariant()) is not null;

    /// <summary>The FFmpeg muxer for a file extension (lower case, with the dot), or null when ClipLit does not write it.</summary>
    public static string? MuxerFor(string extension) => extension switch
    {
        ".mp4" or ".m4v" => "mp4",
        ".mov" => "mov",
        ".mkv" => "matroska",
        ".webm" => "webm",
        ".avi" => "avi",
        _ => null,
    };

    /// <summary>ffmpeg's arguments, one element each: the frames from standard input, the source's other streams, the encoder, the file.</summary>
    private IReadOnlyList<string> Arguments(VideoInfo source, string outputPath, string extension, VideoEncodeOptions options, bool copyStreams)
    {
        var arguments = new List<string> { "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error", "-f", "matroska", "-i", "pipe:0" };
        if (copyStreams) arguments.AddRange(["-i", FfmpegTools.FileArgument(source.Path)]);
        // Timestamps exactly as given (both inputs keep their original timeline, so audio stays in sync).
        arguments.AddRange(["-copyts", "-fps_mode", "passthrough", "-map", "0:v:0"]);
        if (copyStreams) arguments.AddRange(["-map", "1:a?", "-map", "1:s?", "-map_metadata", "1", "-map_chapters", "1", "-c:a", "copy", "-c:s", "copy"]);
        arguments.AddRange(options.EncoderArguments(extension));
        // 4:2:0 needs even sizes: pad odd ones by a pixel rather than fail.
        arguments.AddRange(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"]);
        arguments.AddRange(ContainerArguments(source, extension));
        arguments.AddRange(["-f", Muxer, "-y", FfmpegTools.FileArgument(outputPath)]);
        return arguments;
    }

    /// <summary>What MP4 and MOV need: the source's time scale (frames keep their exact times) and the index at the front.</summary>
    public static IReadOnlyList<string> ContainerArguments(VideoInfo source, string extension) =>
        extension is ".mp4" or ".m4v" or ".mov"
            ? ["-video_track_timescale", source.TimeBaseDenominator.ToString(CultureInfo.InvariantCulture), "-movflags", "+faststart"]
            : [];
}
