namespace ClipLit.VideoIO.Video;

/// <summary>
/// What makes an encoded video count: it reads back. ffprobe opens it (so its index is there: an
/// MP4 whose index could not be written does not open), it holds exactly the frames written, and
/// as many audio and subtitle streams as the source they were copied from. An encoder's exit
/// status proves none of it (ffmpeg 5.1 exits 0 when a full disk stops it writing an MP4's index).
/// Thread-safety: stateless.
/// </summary>
public static class VideoOutputCheck
{
    /// <summary>Checks the file ffmpeg wrote; returns what it holds.</summary>
    /// <param name="path">The file written (a temporary name).</param>
    /// <param name="finalPath">The name it is for: errors name it.</param>
    /// <param name="frames">The frames it must hold.</param>
    /// <param name="copiedFrom">The source whose audio and subtitle streams it must hold as many of; null: none copied.</param>
    /// <param name="encoderError">The encoder's last error line, if any: the likeliest reason when the file does not read back.</param>
    /// <exception cref="VideoFileException">It does not read back, or holds other frames or streams; the message says which.</exception>
    public static VideoInfo Verify(string path, string finalPath, int frames, VideoInfo? copiedFrom, string? encoderError)
    {
        VideoInfo written;
        try
        {
            written = VideoProbe.Probe(path);
        }
        catch (VideoFileException e)
        {
            throw new VideoFileException(finalPath, $"ffmpeg could not finish the file ({encoderError ?? e.Problem})");
        }
        if (written.FrameCount != frames)
            throw new VideoFileException(finalPath, $"the encoded file holds {written.FrameCount} of the {frames} frames written" + (encoderError is null ? "" : $" ({encoderError})"));
        if (copiedFrom is not null && (written.AudioStreams != copiedFrom.AudioStreams || written.SubtitleStreams != copiedFrom.SubtitleStreams))
            throw new VideoFileException(finalPath,
                $"the encoded file holds {written.AudioStreams} audio and {written.SubtitleStreams} subtitle streams, the source {copiedFrom.AudioStreams} and {copiedFrom.SubtitleStreams}");
        return written;
    }
}
