using System.Globalization;
using System.Threading.Channels;
using ClipLit.VideoIO.Video;

namespace ClipLit.VideoIO.Streams;

/// <summary>
/// Sends live frames to any FFmpeg output: a network stream or file (udp://, rtmp://, srt://...)
/// as low-latency H.264, or a v4l2loopback virtual camera as raw video. Frames go to ffmpeg's standard input as raw RGBA on a worker thread, so a slow network
/// never stalls the picture; when the encoder falls behind, the oldest waiting frame is dropped.
/// The container follows the URL: MPEG-TS for udp/rtp/srt/tcp, FLV for rtmp, else the extension.
/// Thread-safety: one thread offers frames; the worker writes. Ownership: owns the ffmpeg process;
/// Dispose ends the stream and waits for ffmpeg, and is safe to call twice.
/// </summary>
public sealed class LiveStreamWriter : IDisposable
{
    private readonly FfmpegProcess _ffmpeg;
    private readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Thread _worker;
    private readonly int _frameBytes;
    private int _disposed;

    /// <summary>A network stream or file: low-latency H.264 in the URL's container.</summary>
    /// <exception cref="VideoFileException">ffmpeg could not be started.</exception>
    public static LiveStreamWriter ForStream(string url, int width, int height, double framesPerSecond)
    {
        string[] format = FormatFor(url) is { } f ? ["-f", f] : [];
        return new LiveStreamWriter(url, width, height, framesPerSecond,
        [
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", Math.Max(1, (int)Math.Round(2 * framesPerSecond)).ToString(CultureInfo.InvariantCulture),
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", .. format, "-y", FfmpegTools.UrlOrFileArgument(url),
        ]);
    }

    /// <summary>
    /// A v4l2loopback device (Linux), so video calls and browsers see the enhanced feed as a camera:
    /// uncompressed YUV 4:2:0 written to the device. Load the module first, e.g.
    /// <c>sudo modprobe v4l2loopback devices=1 video_nr=10 card_label=ClipLit exclusive_caps=1</c>.
    /// </summary>
    /// <exception cref="VideoFileException">ffmpeg could not be started.</exception>
    public static LiveStreamWriter ForVirtualCamera(string device, int width, int height, double framesPerSecond) =>
        new(device, width, height, framesPerSecond, ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", "-f", "v4l2", FfmpegTools.FileArgument(device)]);

    private LiveStreamWriter(string url, int width, int height, double framesPerSecond, IReadOnlyList<string> outputArguments)
    {
        Url = url;
        _frameBytes = 4 * width * height;
        string fps = framesPerSecond.ToString("0.###", CultureInfo.InvariantCulture);
        _ffmpeg = FfmpegProcess.StartWriting(url,
            ["-hide_banner", "-nostats", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", $"{width}x{height}", "-framerate", fps, "-i", "pipe:0", "-an", .. outputArguments]);
        _worker = new Thread(Write) { Name = "ClipLit stream output", IsBackground = true };
        _worker.Start();
    }

    public string Url { get; }

    /// <summary>Frames handed to ffmpeg so far.</summary>
    public int FramesSent { get; private set; }

    /// <summary>Null while the stream is healthy; else why it stopped (ffmpeg's own error).</summary>
    public string? Problem { get; private set; }

    /// <summary>Queues a copy of one RGBA frame (returns at once; the oldest waiting frame is dropped when the encoder lags).</summary>
    public void Offer(ReadOnlySpan<byte> rgba)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Problem is not null) return;
        _frames.Writer.TryWrite(rgba[.._frameBytes].ToArray());
    }

    private void Write()
    {
        try
        {
            while (_frames.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                while (_frames.Reader.TryRead(out var frame))
                {
                    _ffmpeg.Write(frame);
                    FramesSent++;
                }
            _ffmpeg.CloseInput();
        }
        catch (IOException)
        {
            // ffmpeg went away (bad URL, closed connection): its error says why.
            _ffmpeg.WaitForExit(Timeout.InfiniteTimeSpan);
            Problem = _ffmpeg.LastErrorLine() ?? $"ffmpeg stopped with exit code {_ffmpeg.ExitCode}";
        }
    }

    /// <summary>The container for a URL, or null to let ffmpeg go by the extension.</summary>
    private static string? FormatFor(string url)
    {
        string scheme = url.Contains("://", StringComparison.Ordinal) ? url[..url.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant() : "";
        return scheme switch
        {
            "udp" or "rtp" or "srt" or "tcp" => "mpegts",
            "rtmp" or "rtmps" => "flv",
            _ => null,
        };
    }

    /// <summary>Ends the stream: the frames already queued are sent, then ffmpeg finishes (killed after 10 s). Safe to call twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _frames.Writer.TryComplete();
        _worker.Join();
        _ffmpeg.WaitForExit(TimeSpan.FromSeconds(10));
        // Kills ffmpeg if it has not finished by now.
        _ffmpeg.Dispose();
        if (Problem is null && _ffmpeg.ExitCode != 0) Problem = _ffmpeg.LastErrorLine() ?? $"ffmpeg exited with code {_ffmpeg.ExitCode}";
    }
}
