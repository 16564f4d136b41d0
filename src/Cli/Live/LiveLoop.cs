using System.Diagnostics;
using ClipLit.Engine;
using ClipLit.Renderer.Presentation;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Live;

/// <summary>
/// The window thread's loop: runs the frame engine on a worker, takes each enhanced frame from it,
/// waits until the frame's time (the source's pace, from its timestamps) while handling window
/// events, and presents it. When the engine is slower than real time frames are shown as they come.
/// </summary>
public sealed class LiveLoop(GlfwWindow? window, VkPresenter? presenter, VkHostBuffer staging, VideoInfo info,
    int? frameLimit, string? screenshotPath, CliContext context)
{
    public int Run(VideoEnhancer enhancer, string input, bool loop)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        var sink = new HandOffSink();
        var engine = Task.Run(async () =>
        {
            do
            {
                await using var reader = new VideoFrameReader(info);
                var result = await enhancer.EnhanceAsync(reader, sink, null, stop.Token);
                if (result.DecodeProblem is { } problem) throw new VideoFileException(input, problem);
            }
            while (loop && !stop.IsCancellationRequested);
        });

        int presented = 0;
        var clock = Stopwatch.StartNew();
        long? origin = null; // wall-clock microseconds minus the first frame's timestamp
        while (!stop.IsCancellationRequested)
        {
            window?.PollEvents();
            if (window?.ShouldClose == true) break;
            var frame = sink.TryTake(TimeSpan.FromMilliseconds(5));
            if (frame is null)
            {
                if (engine.IsCompleted) break;
                continue;
            }
            frame.Rgba.Span.CopyTo(staging.AsSpan<byte>());
            frame.Release();

            long now = clock.Elapsed.Ticks / 10;
            origin ??= now - frame.Timestamp;
            if (origin + frame.Timestamp < now - 100_000) origin = now - frame.Timestamp; // behind: show frames as they come
            while (origin + frame.Timestamp > clock.Elapsed.Ticks / 10 && !stop.IsCancellationRequested)
            {
                window?.PollEvents();
                Thread.Sleep(1);
            }

            bool last = frameLimit is { } limit && presented + 1 >= limit;
            var pixels = presenter?.Present(staging, info.Width, info.Height, screenshot: last && screenshotPath is not null);
            presented++;
            if (last)
            {
                if (screenshotPath is not null) SaveScreenshot(pixels, presenter!);
                break;
            }
        }
        stop.Cancel();
        try
        {
            engine.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // How the loop stops the engine.
        }
        return presented;
    }

    private void SaveScreenshot(byte[]? pixels, VkPresenter presenter)
    {
        if (pixels is null) throw new PresentationException($"{screenshotPath}: the last frame could not be presented (window minimized?)");
        var (width, height) = presenter.Extent;
        using var image = StillImage.FromRgba(screenshotPath!, pixels, width, height);
        StillImageWriter.Write(image, screenshotPath!, StillImageWriteOptions.Default);
        context.Error.WriteLine($"screenshot {width}x{height} written to {screenshotPath}");
    }
}
