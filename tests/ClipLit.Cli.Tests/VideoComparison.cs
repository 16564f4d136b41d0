using ClipLit.Core.Imaging;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Tests;

/// <summary>Frame-by-frame comparison of two videos, as the tests of jobs and resumed runs make it.</summary>
public static class VideoComparison
{
    /// <summary>
    /// <paramref name="actual"/> is the video a single <c>enhance</c> made (<paramref name="single"/>):
    /// the same frame timestamps, its audio stream, and every frame at least 50 dB from the single run's.
    /// </summary>
    public static void AssertSameAsSingleRun(string single, string actual, string what)
    {
        var (expectedInfo, actualInfo) = (VideoProbe.Probe(single), VideoProbe.Probe(actual));
        Assert.That(actualInfo.FrameTimestamps, Is.EqualTo(expectedInfo.FrameTimestamps), what);
        Assert.That(actualInfo.AudioStreams, Is.EqualTo(1), what);
        double worst = WorstFramePsnr(single, actual);
        TestContext.Out.WriteLine($"{what} against a single enhance: worst frame {worst:F1} dB");
        Assert.That(worst, Is.GreaterThanOrEqualTo(50), what);
    }

    /// <summary>The lowest PSNR (dB) of any frame of <paramref name="actualVideo"/> against the same frame of <paramref name="expectedVideo"/>.</summary>
    public static double WorstFramePsnr(string expectedVideo, string actualVideo)
    {
        var a = VideoProbe.Probe(expectedVideo);
        var b = VideoProbe.Probe(actualVideo);
        var readerA = new VideoFrameReader(a);
        var readerB = new VideoFrameReader(b);
        try
        {
            double worst = double.PositiveInfinity;
            var (frameA, frameB) = (new byte[a.FrameBytes], new byte[b.FrameBytes]);
            while (readerA.ReadAsync(frameA, CancellationToken.None).AsTask().GetAwaiter().GetResult().HasFrame
                   && readerB.ReadAsync(frameB, CancellationToken.None).AsTask().GetAwaiter().GetResult().HasFrame)
                worst = Math.Min(worst, FrameMetrics.Psnr(frameA, frameB));
            return worst;
        }
        finally
        {
            readerA.DisposeAsync().AsTask().GetAwaiter().GetResult();
            readerB.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
