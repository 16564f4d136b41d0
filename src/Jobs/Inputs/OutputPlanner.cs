using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs.Inputs;

/// <summary>One photo to enhance: where it comes from and where its result goes, or why it cannot be done.</summary>
public sealed record PhotoJob(string Input, string Output, string? Refusal);

/// <summary>
/// Decides each input's output path. With a folder as <c>-o</c> (an existing folder, a path ending
/// in '/', several inputs, or a folder/pattern input) each output keeps its input's file name;
/// otherwise <c>-o</c> is the single output file. Refuses, per photo, an output that is an input
/// (directly or through a link) and two inputs that would write the same output.
/// Thread-safety: stateless.
/// </summary>
public static class OutputPlanner
{
    public static bool IsFolderOutput(string output, ExpandedInputs inputs) =>
        output.EndsWith('/') || Directory.Exists(output) || inputs.NamedFolderOrPattern || inputs.Files.Count + inputs.Problems.Count > 1;

    public static IReadOnlyList<PhotoJob> Plan(ExpandedInputs inputs, string output, bool folderOutput)
    {
        var inputIdentities = new HashSet<string>(inputs.Files.Select(Identity), StringComparer.Ordinal);
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        var jobs = new List<PhotoJob>();
        foreach (string input in inputs.Files)
        {
            string target = folderOutput ? Path.Combine(output, FileNameInFolder(input)) : output;
            string identity = Identity(target);
            string? refusal = null;
            if (inputIdentities.Contains(identity))
                refusal = identity == Identity(input)
                    ? $"output {target} is the input itself (inputs are never overwritten)"
                    : $"output {target} is another input of this batch (inputs are never overwritten)";
            else if (!claimed.TryAdd(identity, input))
                refusal = $"output {target} is also the output of {claimed[identity]} (rename one of them)";
            jobs.Add(new PhotoJob(input, target, refusal));
        }
        return jobs;
    }

    /// <summary>
    /// An input's name in an output folder: its own, except a video in a container ClipLit reads but
    /// does not write (clip.MTS, rec.ts), which becomes Matroska (clip.mkv): it holds whatever audio
    /// and subtitle streams such a source carries, copied as they are.
    /// </summary>
    public static string FileNameInFolder(string input)
    {
        string name = Path.GetFileName(input);
        return VideoProbe.HasVideoExtension(name) && !VideoFrameWriter.CanWrite(name) ? Path.ChangeExtension(name, ".mkv") : name;
    }

    /// <summary>A path's identity: absolute, with symbolic links resolved where the file exists.</summary>
    private static string Identity(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            if (info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) return Path.GetFullPath(target.FullName);
            // Resolve links in the folder part too (e.g. -o pointing at a linked copy of the input folder).
            var folder = info.Directory;
            if (folder is { Exists: true })
            {
                string resolvedFolder = folder.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder.FullName;
                return Path.Combine(Path.GetFullPath(resolvedFolder), info.Name);
            }
        }
        catch (IOException)
        {
            // A broken link: compare by the path as written.
        }
        return full;
    }
}
