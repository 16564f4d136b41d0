using ClipLit.Core.Text;

namespace ClipLit.Core.Files;

/// <summary>
/// A user's file could not be used: the base of each reader's own exception (photos, videos, models),
/// so that the one-line message is worded in one place. The message names the file (control
/// characters in its name escaped) and the problem.
/// </summary>
public abstract class FileProblemException(string path, string problem, Exception? inner = null)
    : Exception($"{OneLine.Path(path)}: {problem}", inner)
{
    public string Path { get; } = path;

    public string Problem { get; } = problem;
}
