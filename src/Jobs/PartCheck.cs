using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs;

/// <summary>
/// Whether a part file holds the frames it is named for: as many frames as its range, the first at
/// the source's time for the range's first frame (parts keep the original timestamps). A part
/// copied over another one of the same length starts at another time, and is refused.
/// Thread-safety: stateless.
/// </summary>
public static class PartCheck
{
    /// <summary>Null when <paramref name="file"/> holds frames <paramref name="part"/>'s range of <paramref name="source"/>; else the problem.</summary>
    public static string? Problem(string file, JobPart part, VideoInfo source, CancellationToken cancellation)
    {
        VideoInfo written;
        try
        {
            written = VideoProbe.Probe(file, cancellation);
        }
        catch (VideoFileException e)
        {
            return e.Problem;
        }
        int frames = part.End - part.Start;
        if (written.FrameCount != frames) return $"it holds {written.FrameCount} frames, its range {frames}";
        long expected = source.StartMicroseconds + source.FrameTimestamps[part.Start];
        long next = part.Start + 1 < source.FrameCount ? source.FrameTimestamps[part.Start + 1] - source.FrameTimestamps[part.Start] : 1000;
        // Containers round times (Matroska to milliseconds): within half a frame is the same frame.
        if (Math.Abs(written.StartMicroseconds - expected) > Math.Max(1000, next / 2))
            return $"its first frame is at {written.StartMicroseconds} µs, frame {part.Start}'s at {expected} µs (a part of another range?)";
        return null;
    }
}
