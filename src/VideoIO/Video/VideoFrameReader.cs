using System.Diagnostics;
using FFMpegCore;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Decodes a video file's frames in display order as RGBA8 with ffmpeg, straight into buffers the
/// caller provides (e.g. mapped device memory). Rotation metadata is applied by ffmpeg, so frames
/// are upright. Frame i has timestamp <c>Info.FrameTimestamps[i]</c>.
/// FFMpegCore builds the command line and finds the binary, but the frames are read from ffmpeg's
/// standard output rather than FFMpegCore's output pipe: FFMpegCore disposes that pipe as soon as
/// ffmpeg exits, which drops whatever frames were still buffered in it (the last frames of a clip).
/// Thread-safety: one reader thread. Ownership: owns the ffmpeg process; DisposeAsync stops it.
/// </summary>
public sealed class VideoFrameReader : IFrameSource
{
    private const int StandardErrorLinesKept = 32;

    private readonly Process _process;
    private readonly Stream _frames;
    private readonly Queue<string> _lastErrorLines = new();
    private bool _ended;

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
        var start = new ProcessStartInfo(GlobalFFOptions.GetFFMpegBinaryPath(), "-nostdin -hide_banner " + arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start) ?? throw new VideoFileException(info.Path, "ffmpeg could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VideoFileException(info.Path, $"ffmpeg could not be started ({e.Message})");
        }
        _process.ErrorDataReceived += (_, line) => KeepErrorLine(line.Data);
        _process.BeginErrorReadLine();
        _frames = _process.StandardOutput.BaseStream;
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
        var frame = destination[..Info.FrameBytes];
        int filled = 0;
        try
        {
            while (filled < frame.Length)
            {
                int read = await _frames.ReadAsync(frame[filled..], cancellation);
                if (read == 0) break; // ffmpeg closed its output: it has ended
                filled += read;
            }
        }
        catch (IOException) when (!cancellation.IsCancellationRequested)
        {
            // The pipe broke (ffmpeg was stopped): the end; FinishAsync reports why.
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
        bool complete = FramesRead >= Info.FrameCount;
        // Every frame was read: whatever ffmpeg still writes is not wanted (closing may end it with a broken pipe).
        if (complete) _frames.Dispose();
        await _process.WaitForExitAsync();
        if (complete) return null;
        string detail = LastError();
        if (_process.ExitCode != 0 && detail.Length == 0) detail = $"ffmpeg exited with code {_process.ExitCode}";
        return $"only {FramesRead} of {Info.FrameCount} frames could be decoded" + (detail.Length > 0 ? $" ({detail})" : "");
    }

    private void KeepErrorLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (_lastErrorLines)
        {
            _lastErrorLines.Enqueue(line.Trim());
            if (_lastErrorLines.Count > StandardErrorLinesKept) _lastErrorLines.Dequeue();
        }
    }

    private string LastError()
    {
        lock (_lastErrorLines)
            return _lastErrorLines.LastOrDefault(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("nvalid", StringComparison.Ordinal)) ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }
        await _process.WaitForExitAsync();
        _frames.Dispose();
        _process.Dispose();
    }
}
