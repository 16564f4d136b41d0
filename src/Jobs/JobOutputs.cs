using ClipLit.Core.Files;

namespace ClipLit.Jobs;

/// <summary>
/// What a job may write, checked on the file system where the writing happens (<c>job run</c> and
/// <c>job join</c>, not only <c>job create</c>: the manifest may have changed since, and links may
/// have appeared): the job folder's path has no control characters; no output lies in the job
/// folder; no output is a link, a folder, or an input under another name (through a link, a linked
/// folder); no model the options name lies outside the job's <c>models/</c> folder or differs from
/// its recorded checksum.
/// Thread-safety: stateless.
/// </summary>
public static class JobOutputs
{
    /// <exception cref="JobException">Something the job would write or run is out of place; the message names it.</exception>
    public static void Check(JobFolder folder, JobManifest manifest)
    {
        if (folder.Path.Any(char.IsControl)) throw new JobException($"{JobManifestCheck.Printable(folder.Path)}: a job folder's path may not hold control characters");
        var inputs = new HashSet<string>(manifest.Inputs.Select(i => PathIdentity.Of(i.Path)), StringComparer.Ordinal);
        foreach (var input in manifest.Inputs)
        {
            string output = input.Output;
            if (output.StartsWith(folder.Path + "/", StringComparison.Ordinal))
                throw new JobException($"{output}: an output may not lie inside the job folder {folder.Path}");
            if (PathIdentity.IsLink(output)) throw new JobException($"{output}: the output is a symbolic link; a job never writes through one");
            if (Directory.Exists(output)) throw new JobException($"{output}: the output is a folder");
            if (inputs.Contains(PathIdentity.Of(output)))
                throw new JobException($"{output}: the output is an input of the job under another name (inputs are never overwritten)");
        }
    }

    /// <summary>Checks that the pinned models are the job's own copies, unchanged.</summary>
    /// <exception cref="JobException">A model lies outside <c>JOB_DIR/models</c>, is missing, or changed since the job was created.</exception>
    public static void CheckModels(JobFolder folder, JobManifest manifest)
    {
        foreach (var model in manifest.Models)
        {
            if (!model.Path.StartsWith(folder.Models + "/", StringComparison.Ordinal))
                throw new JobException($"{model.Path}: the job's {model.Role} must be its copy in {folder.Models}");
            if (!File.Exists(model.Path)) throw new JobException($"{model.Path}: the job's {model.Role} is missing");
            if (InputCheck.Sha256(model.Path) != model.Sha256)
                throw new JobException($"{model.Path}: the job's {model.Role} changed since the job was created (its SHA-256 differs)");
        }
    }
}
