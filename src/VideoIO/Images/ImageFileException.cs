using ClipLit.Core.Text;

namespace ClipLit.VideoIO.Images;

/// <summary>An image file could not be read or written; the message is one line naming the file (control characters in its name escaped) and the problem.</summary>
public sealed class ImageFileException(string path, string problem, Exception? inner = null)
    : Exception($"{OneLine.Path(path)}: {problem}", inner)
{
    public string Path { get; } = path;

    public string Problem { get; } = problem;
}
