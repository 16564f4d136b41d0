using ClipLit.Core.Text;

namespace ClipLit.Inference.Model;

/// <summary>A model file could not be used; the message is one line naming the file (control characters in its name escaped) and the problem.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string path, string problem, Exception? inner = null)
        : base($"{OneLine.Path(path)}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }

    public string Problem { get; }
}
