using ClipLit.VideoIO.Live;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Live;

/// <summary>
/// Opens what the live view shows: a file, a network stream or a camera, with the first source ready.
/// Thread-safety: stateless; any thread (each call opens its own source).
/// </summary>
public static class LiveSources
{
    /// <summary>A network stream is shown like a camera (retried when it ends); anything else is a file.</summary>
    /// <exception cref="VideoFileException">The input cannot be opened; the message names it.</exception>
    public static (LiveInput Input, IFrameSource First) OpenFileOrStream(string input, CancellationToken cancellation) =>
        CameraSpec.IsUrl(input) && !File.Exists(input) ? OpenCamera(CameraSpec.ForUrl(input)) : OpenFile(input, cancellation);

    /// <exception cref="VideoFileException">The file cannot be read as a video.</exception>
    public static (LiveInput Input, IFrameSource First) OpenFile(string path, CancellationToken cancellation)
    {
        var video = VideoProbe.Probe(path, cancellation);
        return (new LiveInput(Path.GetFileName(path), video.Width, video.Height, video.NominalFrameRate, () => new VideoFrameReader(video), IsCamera: false),
            new VideoFrameReader(video));
    }

    /// <exception cref="VideoFileException">The camera cannot be opened.</exception>
    public static (LiveInput Input, IFrameSource First) OpenCamera(CameraSpec camera)
    {
        var source = CameraSource.Open(camera);
        // A camera's rate is whatever arrives; the asked-for rate (else 30) is what outputs declare.
        return (new LiveInput(camera.ToString(), source.Width, source.Height, camera.Mode.FramesPerSecond ?? 30, () => CameraSource.Open(camera), IsCamera: true), source);
    }
}
