namespace ClipLit.VideoIO.Video;

/// <summary>A video file could not be read or written; the message is one line naming the file and the problem.</summary>
public sealed class VideoFileException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string Path { get; } = path;

    public string Problem { get; } = problem;
}
