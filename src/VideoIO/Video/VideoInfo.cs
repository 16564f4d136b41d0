namespace ClipLit.VideoIO.Video;

/// <summary>
/// What ClipLit needs to know about a video file: the picture as decoded (rotation applied, so
/// width and height are as displayed), every frame's timestamp, and the streams to carry over.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Width">Displayed width in pixels (after rotation).</param>
/// <param name="Height">Displayed height in pixels (after rotation).</param>
/// <param name="FrameTimestamps">Presentation time of every frame in display order, in microseconds from the stream's start.</param>
/// <param name="TimeBaseDenominator">The video stream's time base is 1/this (e.g. 15360); outputs keep it where the container allows.</param>
/// <param name="NominalFrameRate">The stream's frame rate as declared (r_frame_rate), frames per second.</param>
/// <param name="IsVariableFrameRate">Frame durations differ by more than a tick.</param>
/// <param name="CodecName">The video codec (e.g. h264).</param>
/// <param name="PixelFormat">The decoded pixel format (e.g. yuv420p, yuv420p10le).</param>
/// <param name="BitsPerChannel">8, or 10/12 for high-bit-depth sources (processed at 8 bits).</param>
/// <param name="Rotation">Rotation metadata in degrees (ffmpeg applies it while decoding).</param>
/// <param name="FormatName">The container as ffprobe names it (e.g. "mov,mp4,m4a,3gp,3g2,mj2").</param>
/// <param name="AudioStreams">Number of audio streams (copied untouched).</param>
/// <param name="SubtitleStreams">Number of subtitle streams (copied untouched).</param>
/// <param name="Keyframes">Display-order indices of the frames that are keyframes (where decoding can start without earlier frames); ascending, starting with 0.</param>
/// <param name="StartMicroseconds">The first frame's presentation time in the file (what <paramref name="FrameTimestamps"/> count from), for seeking.</param>
public sealed record VideoInfo(
    string Path,
    int Width,
    int Height,
    IReadOnlyList<long> FrameTimestamps,
    long TimeBaseDenominator,
    double NominalFrameRate,
    bool IsVariableFrameRate,
    string CodecName,
    string PixelFormat,
    int BitsPerChannel,
    int Rotation,
    string FormatName,
    int AudioStreams,
    int SubtitleStreams,
    IReadOnlyList<int> Keyframes,
    long StartMicroseconds)
{
    public int FrameCount => FrameTimestamps.Count;

    /// <summary>Bytes of one decoded RGBA8 frame.</summary>
    public int FrameBytes => checked(Width * Height * 4);
}
