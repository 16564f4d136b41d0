namespace ClipLit.VideoIO.Video;

/// <summary>
/// Decodes a video file's frames in display order as RGBA8 with ffmpeg, straight into buffers the
/// caller provides (e.g. mapped device memory). Rotation metadata is applied by ffmpeg, so frames
/// are upright. Frame i has timestamp <c>Info.FrameTimestamps[i]</c>. A reader may cover a range of
/// frames only (a shard of a job) and ends after its last. Where the container's seeking is exact by
/// presentation time (MP4/MOV, Matroska/WebM), ffmpeg seeks to just before the first frame's own
/// timestamp (decoding from the keyframe before it, dropping what precedes it); elsewhere (MPEG-TS
/// seeks by bytes and may land after the target, AVI has decode-order times) it decodes from the
/// start and drops frames by count, slower but exact.
/// <see cref="FfmpegProcess"/> runs ffmpeg with an argument list and reads the frames from its
/// standard output.
/// Thread-safety: one reader thread. Ownership: owns the ffmpeg process; DisposeAsync stops it
/// and is safe to call twice.
/// </summary>
public sealed class VideoFrameReader : IFrameSource
{
    private readonly FfmpegProcess _ffmpeg;

    /// <param name="info">The probed video.</param>
    /// <param name="firstFrame">The first frame read (display order).</param>
    /// <param name="endFrame">One past the last frame read; null: to the end.</param>
    /// <exception cref="VideoFileException">ffmpeg could not be started.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not within the video.</exception>
    public VideoFrameReader(VideoInfo info, int firstFrame = 0, int? endFrame = null)
    {
        Info = info;
        FirstFrame = firstFrame;
        EndFrame = endFrame ?? info.FrameCount;
        if (firstFrame < 0 || EndFrame > info.FrameCount || firstFrame > EndFrame)
            throw new ArgumentOutOfRangeException(nameof(firstFrame), $"frames {firstFrame}..{EndFrame} are not within {info.Path}'s {info.FrameCount}");
        bool seek = firstFrame > 0 && SeeksExactly(info);
        var arguments = new List<string> { "-nostdin", "-hide_banner" };
        // -seek_timestamp: the time is the frame's own (not offset by the file's start, which another stream may set).
        if (seek) arguments.AddRange(["-seek_timestamp", "1", "-ss", SeekSeconds(info, firstFrame)]);
        arguments.AddRange(["-i", FfmpegTools.FileArgument(info.Path), "-map", "0:v:0"]);
        if (firstFrame > 0 && !seek) arguments.AddRange(["-vf", $"select=gte(n\\,{firstFrame.ToString(System.Globalization.CultureInfo.InvariantCulture)})"]);
        arguments.AddRange(["-pix_fmt", "rgba", "-fps_mode", "passthrough", "-an", "-sn", "-dn", "-f", "rawvideo", "pipe:1"]);
        _ffmpeg = FfmpegProcess.StartReading(info.Path, arguments);
    }

    public VideoInfo Info { get; }

    public int Width => Info.Width;

    public int Height => Info.Height;

    /// <summary>Frames this reader delivers: the range's length.</summary>
    public int? FrameCount => EndFrame - FirstFrame;

    /// <summary>The first frame read (display order in the whole video).</summary>
    public int FirstFrame { get; }

    /// <summary>One past the last frame read.</summary>
    public int EndFrame { get; }

    /// <summary>Frames delivered so far.</summary>
    public int FramesRead { get; private set; }

    /// <summary>Reads the next frame (Info.FrameBytes bytes) into <paramref name="destination"/>, with its timestamp from the probe.</summary>
    public async ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation)
    {
        if (FirstFrame + FramesRead >= EndFrame) return SourceFrame.End;
        // An end or a truncated frame: FinishAsync reports why.
        if (await _ffmpeg.ReadFrameAsync(destination[..Info.FrameBytes], cancellation) != FrameRead.Whole) return SourceFrame.End;
        return new SourceFrame(true, Info.FrameTimestamps[FirstFrame + FramesRead++]);
    }

    /// <summary>Containers whose seeking lands exactly by presentation time: ISO BMFF (MP4, MOV) and Matroska (MKV, WebM).</summary>
    private static bool SeeksExactly(VideoInfo info) =>
        info.FormatName.StartsWith("mov,", StringComparison.Ordinal) || info.FormatName.StartsWith("matroska", StringComparison.Ordinal);

    /// <summary>
    /// Seconds to seek to for frame <paramref name="frame"/>: half-way between it and the frame before,
    /// so rounding in either time cannot make ffmpeg start a frame early or late.
    /// </summary>
    private static string SeekSeconds(VideoInfo info, int frame)
    {
        long time = info.FrameTimestamps[frame], previous = info.FrameTimestamps[frame - 1];
        double seconds = (info.StartMicroseconds + time - (time - previous) / 2.0) / 1e6;
        return seconds.ToString("F6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Ends decoding and returns null when every frame was decoded cleanly, else one line saying
    /// what went wrong (ffmpeg's own last error, or how many frames were missing).
    /// </summary>
    public async Task<string?> FinishAsync()
    {
        bool complete = FirstFrame + FramesRead >= EndFrame;
        // Every frame was read: whatever ffmpeg still writes is not wanted (closing may end it with a broken pipe).
        if (complete) _ffmpeg.CloseOutput();
        await _ffmpeg.WaitForExitAsync();
        if (complete) return null;
        string detail = _ffmpeg.LastErrorLine(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("nvalid", StringComparison.Ordinal)) ?? "";
        if (_ffmpeg.ExitCode != 0 && detail.Length == 0) detail = $"ffmpeg exited with code {_ffmpeg.ExitCode}";
        return $"only {FramesRead} of {FrameCount} frames could be decoded" + (detail.Length > 0 ? $" ({detail})" : "");
    }

    /// <summary>Stops ffmpeg if it still runs; safe to call twice.</summary>
    public ValueTask DisposeAsync() => _ffmpeg.DisposeAsync();
}
