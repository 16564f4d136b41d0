using System.Globalization;
using ClipLit.Renderer.Presentation;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Streams;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Live;

/// <summary>
/// Where the live view's shown frames go besides the window: a stream (--output-stream), a virtual
/// camera (--virtual-camera), the frame tap (tests and benchmarks), and screenshots.
/// Thread-safety: the window thread. Ownership: owns the stream writers (their ffmpeg children); Dispose stops them (safe twice).
/// </summary>
public sealed class LiveOutputs : IDisposable
{
    private readonly List<LiveStreamWriter> _writers = [];
    private (int FrameIndex, long Timestamp)? _shown;
    private readonly LiveFrameTap? _tap;
    private readonly TextWriter _log;
    private bool _disposed;

    /// <param name="info">The source (size and frame rate of the outputs).</param>
    /// <param name="options">Which outputs.</param>
    /// <param name="log">The lines a user reads.</param>
    /// <exception cref="VideoFileException">An output could not start.</exception>
    public LiveOutputs(LiveInput info, LiveOptions options, TextWriter log)
    {
        _tap = options.FrameTap;
        _log = log;
        try
        {
            if (options.OutputStream is { } url) _writers.Add(LiveStreamWriter.ForStream(url, info.Width, info.Height, info.FramesPerSecond));
            if (options.VirtualCamera is { } camera) _writers.Add(LiveStreamWriter.ForVirtualCamera(camera, info.Width, info.Height, info.FramesPerSecond));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A frame shown (before the heads-up display): to every output; a screenshot names it.</summary>
    /// <param name="frameIndex">Its index among the source's frames.</param>
    /// <param name="timestamp">Its time in the source, in microseconds.</param>
    /// <param name="shown">Its pixels.</param>
    public void Offer(int frameIndex, long timestamp, ReadOnlySpan<byte> shown)
    {
        _shown = (frameIndex, timestamp);
        foreach (var writer in _writers) writer.Offer(shown);
        _tap?.Invoke(frameIndex, shown);
    }

    /// <summary>The run ended: each output finishes and says what it sent.</summary>
    /// <exception cref="VideoFileException">An output failed on the way.</exception>
    public void Finish()
    {
        foreach (var writer in _writers)
        {
            writer.Dispose();
            if (writer.Problem is { } problem) throw new VideoFileException(writer.Url, $"the output failed: {problem}");
            _log.WriteLine($"streamed {writer.FramesSent} frames to {writer.Url}");
        }
    }

    /// <summary>Writes the presented picture read back from the swapchain as PNG.</summary>
    /// <exception cref="PresentationException">Nothing was presented (window minimized?).</exception>
    public void SaveScreenshot(byte[]? pixels, VkPresenter presenter, string path)
    {
        if (pixels is null) throw new PresentationException($"{path}: the frame could not be presented (window minimized?)");
        var (width, height) = presenter.Extent;
        using var image = StillImage.FromRgba(path, pixels, width, height);
        StillImageWriter.Write(image, path, StillImageWriteOptions.Default);
        // Which source frame it shows, so it can be compared with that frame's own output.
        string frame = _shown is var (index, time) ? string.Create(CultureInfo.InvariantCulture, $" of frame {index} ({time / 1e6:F3} s)") : "";
        _log.WriteLine($"screenshot {width}x{height}{frame} written to {path}");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var writer in _writers) writer.Dispose();
    }
}
