using System.IO.Enumeration;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Sequences;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs.Inputs;

/// <summary>What the input arguments of <c>cliplit enhance</c> name.</summary>
/// <param name="Files">Photos to process, in argument order (folder contents and glob matches sorted by name).</param>
/// <param name="Skipped">Files inside input folders that are neither photos nor videos by extension.</param>
/// <param name="Problems">Arguments naming nothing usable (missing file, empty glob), with the reason.</param>
/// <param name="NamedFolderOrPattern">Some argument was a folder or a pattern, so the output must be a folder.</param>
public sealed record ExpandedInputs(
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<(string Argument, string Problem)> Problems,
    bool NamedFolderOrPattern);

/// <summary>
/// Turns input arguments (files, folders, and glob patterns with <c>*</c>, <c>?</c> and <c>**</c>,
/// for shells that do not expand them) into photo and video paths. Folders are not searched recursively.
/// Thread-safety: stateless.
/// </summary>
public static class InputExpander
{
    public static ExpandedInputs Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        var skipped = new List<string>();
        var problems = new List<(string, string)>();
        bool folderOrPattern = false;

        foreach (string argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                folderOrPattern = true;
                foreach (string file in Directory.EnumerateFiles(argument).Order(StringComparer.Ordinal))
                {
                    if (Path.GetFileName(file).StartsWith('.')) continue; // hidden files, our own .partial files
                    (IsMedia(file) ? files : skipped).Add(file);
                }
            }
            else if (IsPattern(argument))
            {
                folderOrPattern = true;
                var matches = Glob(argument).Order(StringComparer.Ordinal).ToList();
                if (matches.Count == 0) problems.Add((argument, "no files match this pattern"));
                files.AddRange(matches);
            }
            else if (ImageSequencePattern.TryParse(argument) is { } sequence && !File.Exists(argument))
            {
                if (sequence.ExistingFrames().Count > 0) files.Add(argument);
                else problems.Add((argument, "no frames match this image sequence pattern"));
            }
            else if (File.Exists(argument))
            {
                files.Add(argument);
            }
            else
            {
                problems.Add((argument, "no such file or folder"));
            }
        }
        return new ExpandedInputs(files, skipped, problems, folderOrPattern);
    }

    private static bool IsPattern(string argument) => argument.IndexOfAny(['*', '?']) >= 0;

    /// <summary>Files matching a pattern whose segments may contain * and ?, and ** for any depth of folders.</summary>
    private static IEnumerable<string> Glob(string pattern)
    {
        bool rooted = Path.IsPathRooted(pattern);
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int firstWild = Array.FindIndex(segments, IsPattern);
        string start = string.Join('/', segments[..firstWild]);
        if (rooted) start = "/" + start;
        if (start.Length == 0) start = ".";
        var results = new List<string>();
        Match(start, segments[firstWild..], results, prefix: firstWild == 0 && !rooted ? "" : start + "/");
        return results.Where(f => IsMedia(f) || !IsPattern(Path.GetFileName(pattern)));
    }

    /// <summary>A photo or video by its extension.</summary>
    public static bool IsMedia(string path) => ImageFileFormats.FromExtension(path) is not null || VideoProbe.HasVideoExtension(path);

    /// <summary>A photo or video ClipLit writes, by its extension (it reads more video containers than it writes).</summary>
    public static bool IsWritableMedia(string path) => ImageFileFormats.FromExtension(path) is not null || VideoFrameWriter.CanWrite(path);

    private static void Match(string folder, string[] segments, List<string> results, string prefix)
    {
        if (!Directory.Exists(folder) || segments.Length == 0) return;
        string head = segments[0];
        var rest = segments[1..];
        if (head == "**")
        {
            Match(folder, rest, results, prefix);
            foreach (string sub in Directory.EnumerateDirectories(folder))
                Match(sub, segments, results, prefix + Path.GetFileName(sub) + "/");
            return;
        }
        if (rest.Length == 0)
        {
            foreach (string file in Directory.EnumerateFiles(folder))
                if (FileSystemName.MatchesSimpleExpression(head, Path.GetFileName(file), ignoreCase: false))
                    results.Add(prefix + Path.GetFileName(file));
            return;
        }
        foreach (string sub in Directory.EnumerateDirectories(folder))
            if (FileSystemName.MatchesSimpleExpression(head, Path.GetFileName(sub), ignoreCase: false))
                Match(sub, rest, results, prefix + Path.GetFileName(sub) + "/");
    }
}
