using FFMpegCore;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Decodes a video file's frames in display order as RGBA8 with ffmpeg, straight into buffers the
/// caller provides (e.g. mapped device memory). Rotation metadata is applied by ffmpeg, so frames
/// are upright. Frame i has timestamp <c>Info.FrameTimestamps[i]</c>.
/// FFMpegCore builds the command line; <see cref="FfmpegProcess"/> runs it and reads the frames
/// from ffmpeg's own standard output (FFMpegCore's output pipe drops a clip's last frames).
/// Thread-safety: one reader thread. Ownership: owns the ffmpeg process; DisposeAsync stops it
/// and is safe to call twice.
/// </summary>
public sealed class VideoFrameReader : IFrameSource
{
    private readonly FfmpegProcess _ffmpeg;

    /// <exception cref="VideoFileException">ffmpeg could not be started.</exception>
    public VideoFrameReader(VideoInfo info)
    {
        Info = info;
        string arguments = FFMpegArguments
            .FromFileInput(info.Path)
            .OutputToFile("pipe:1", overwrite: false, options => options
                .ForceFormat("rawvideo")
                .WithCustomArgument("-map 0:v:0 -pix_fmt rgba -fps_mode passthrough -an -sn -dn"))
            .Arguments;
        _ffmpeg = FfmpegProcess.StartReading(info.Path, "-nostdin -hide_banner " + arguments);
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
        if (FramesRead >= Info.FrameCount) return SourceFrame.End;
        // An end or a truncated frame: FinishAsync reports why.
        if (await _ffmpeg.ReadFrameAsync(destination[..Info.FrameBytes], cancellation) != FrameRead.Whole) return SourceFrame.End;
        return new SourceFrame(true, Info.FrameTimestamps[FramesRead++]);
    }

    /// <summary>
    /// Ends decoding and returns null when every frame was decoded cleanly, else one line saying
    /// what went wrong (ffmpeg's own last error, or how many frames were missing).
    /// </summary>
    public async Task<string?> FinishAsync()
    {
        bool complete = FramesRead >= Info.FrameCount;
        // Every frame was read: whatever ffmpeg still writes is not wanted (closing may end it with a broken pipe).
        if (complete) _ffmpeg.CloseOutput();
        await _ffmpeg.WaitForExitAsync();
        if (complete) return null;
        string detail = _ffmpeg.LastErrorLine(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("nvalid", StringComparison.Ordinal)) ?? "";
        if (_ffmpeg.ExitCode != 0 && detail.Length == 0) detail = $"ffmpeg exited with code {_ffmpeg.ExitCode}";
        return $"only {FramesRead} of {Info.FrameCount} frames could be decoded" + (detail.Length > 0 ? $" ({detail})" : "");
    }

    /// <summary>Stops ffmpeg if it still runs; safe to call twice.</summary>
    public ValueTask DisposeAsync() => _ffmpeg.DisposeAsync();
}
