using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClipLit.Core.Processes;
using ClipLit.VideoIO.Video;

namespace ClipLit.VideoIO.Live;

/// <summary>
/// Frames from a live capture device through FFmpeg (<see cref="CameraSpec"/>), as RGBA8 at the
/// device's size, timestamped by the wall clock when they arrive. The stream ends when the device
/// goes away (unplugged) or FFmpeg stops; <see cref="FinishAsync"/> then says why. Generated
/// test sources (lavfi) are paced in real time, like a camera.
/// Thread-safety: one reader. Ownership: owns the ffmpeg process; DisposeAsync stops it and is
/// safe to call twice.
/// </summary>
public sealed class CameraSource : IFrameSource
{
    private readonly FfmpegProcess _ffmpeg;
    private readonly Stopwatch _clock = new();

    /// <summary>Takes ownership of <paramref name="ffmpeg"/> (capturing the device into its standard output).</summary>
    private CameraSource(int width, int height, FfmpegProcess ffmpeg)
    {
        Width = width;
        Height = height;
        _ffmpeg = ffmpeg;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Live: no end is known.</summary>
    public int? FrameCount => null;

    /// <summary>Opens the device: asks FFmpeg for its picture size, then starts capturing.</summary>
    /// <exception cref="VideoFileException">The device cannot be opened (missing, busy, unplugged, no video).</exception>
    public static CameraSource Open(CameraSpec camera)
    {
        var (width, height) = Probe(camera);
        var ffmpeg = FfmpegProcess.StartReading(camera.ToString(),
        [
            "-nostdin", "-hide_banner", "-loglevel", "error", .. camera.IsGenerated ? ["-re"] : Array.Empty<string>(), .. camera.InputArguments(),
            "-i", camera.Device, "-map", "0:v:0", "-an", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1",
        ]);
        return new CameraSource(width, height, ffmpeg);
    }

    public async ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation)
    {
        // An end or a truncated frame: the device went away (FinishAsync says why).
        if (await _ffmpeg.ReadFrameAsync(destination[..(4 * Width * Height)], cancellation) != FrameRead.Whole) return SourceFrame.End;
        if (!_clock.IsRunning) _clock.Start();
        return new SourceFrame(true, _clock.Elapsed.Ticks / 10);
    }

    /// <summary>Why the live stream ended (a camera never ends cleanly): FFmpeg's last error, or that it stopped.</summary>
    public async Task<string?> FinishAsync()
    {
        await _ffmpeg.WaitForExitAsync();
        return _ffmpeg.LastErrorLine() ?? $"the stream ended (ffmpeg exit code {_ffmpeg.ExitCode})";
    }

    /// <summary>Stops ffmpeg if it still runs; safe to call twice.</summary>
    public ValueTask DisposeAsync() => _ffmpeg.DisposeAsync();

    /// <summary>The device's picture size, from ffprobe.</summary>
    private static (int Width, int Height) Probe(CameraSpec camera)
    {
        ChildProgramResult result;
        try
        {
            result = ChildProgram.Run(FfmpegTools.Ffprobe,
                ["-v", "error", .. camera.InputArguments(), "-i", camera.Device, "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "json"],
                TimeSpan.FromSeconds(15));
        }
        catch (ChildProgramException e)
        {
            throw new VideoFileException(camera.ToString(), e.Message);
        }
        catch (TimeoutException)
        {
            throw new VideoFileException(camera.ToString(), "the device did not answer within 15 s");
        }
        if (result.ExitCode != 0) throw new VideoFileException(camera.ToString(), $"cannot be opened ({result.LastErrorLine ?? $"ffprobe exit code {result.ExitCode}"})");
        int width, height;
        try
        {
            using var json = JsonDocument.Parse(result.Output);
            if (!json.RootElement.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
                throw new VideoFileException(camera.ToString(), "has no video stream");
            var stream = streams[0];
            width = stream.GetProperty("width").GetInt32();
            height = stream.GetProperty("height").GetInt32();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new VideoFileException(camera.ToString(), $"ffprobe's description of it cannot be read ({e.Message})");
        }
        if (width < 2 || height < 2) throw new VideoFileException(camera.ToString(), string.Create(CultureInfo.InvariantCulture, $"reports an unusable size {width}x{height}"));
        return (width, height);
    }
}
