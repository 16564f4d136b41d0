using System.Text.RegularExpressions;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs;

/// <summary>
/// Checks every value of a manifest read from a job folder, which anyone who can write the folder
/// may have changed: no nulls; counts, sizes and frame ranges in range; checksums of the right
/// form; every path absolute, normalized (no <c>..</c>), without control characters; every output a
/// video file that is not an input, not another output, and not inside another output's place or
/// an input's; the shards' parts covering each input's frames once, in order.
/// Thread-safety: stateless.
/// </summary>
public static partial class JobManifestCheck
{
    /// <summary>More than any real job needs, little enough to plan and check in memory.</summary>
    private const int MaxInputs = 100_000, MaxShards = 1_000_000, MaxFrames = 100_000_000, MaxOptions = 256;

    /// <summary>Null when every value is in place; else the first problem, in words.</summary>
    public static string? Problem(JobManifest manifest)
    {
        if (manifest.ClipLitVersion is null || manifest.Options is null || manifest.Models is null || manifest.Inputs is null || manifest.Shards is null)
            return "a field is null";
        if (manifest.Options.Count > MaxOptions || manifest.Options.Any(o => o is null || o.Any(char.IsControl))) return "the options hold a null or a control character";
        if (Models(manifest.Models) is { } models) return models;
        if (manifest.Inputs.Count == 0 || manifest.Shards.Count == 0) return "no inputs or no shards";
        if (manifest.Inputs.Count > MaxInputs || manifest.Shards.Count > MaxShards) return "more inputs or shards than a job can have";
        for (int i = 0; i < manifest.Inputs.Count; i++)
            if (Input(manifest.Inputs[i]) is { } problem) return $"input {i}: {problem}";
        if (Outputs(manifest.Inputs) is { } outputs) return outputs;
        return Shards(manifest);
    }

    /// <summary>Whether <paramref name="path"/> is absolute and normalized (no <c>.</c> or <c>..</c> parts, no doubled separators) and free of control characters.</summary>
    public static bool IsCleanAbsolute(string? path) =>
        path is { Length: > 1 } && Path.IsPathFullyQualified(path) && Path.GetFullPath(path) == path && !path.EndsWith('/') && !path.Any(char.IsControl);

    private static string? Models(IReadOnlyList<JobModelFile> models)
    {
        if (models.Count is 0 or > 2) return "it pins no model, or more than a model and a student";
        if (models.Any(m => m is null)) return "a model entry is null";
        if (models.Count(m => m.Role == ModelRole.Model) != 1 || models.Any(m => m.Role is not (ModelRole.Model or ModelRole.Student)))
            return "the models are not one model and at most one student";
        foreach (var model in models)
        {
            if (!IsCleanAbsolute(model.Path)) return $"the {model.Role} path {Printable(model.Path)} is not an absolute, normalized path";
            if (!IsSha256(model.Sha256)) return $"the {model.Role}'s checksum is not a SHA-256";
        }
        return null;
    }

    private static string? Input(JobInput? input)
    {
        if (input is null) return "null";
        if (!IsCleanAbsolute(input.Path)) return $"the path {Printable(input.Path)} is not an absolute, normalized path";
        if (!IsCleanAbsolute(input.Output)) return $"the output {Printable(input.Output)} is not an absolute, normalized path";
        if (!VideoFrameWriter.CanWrite(input.Output)) return $"the output {input.Output} is not a video file ClipLit writes ({VideoFrameWriter.WritableExtensions})";
        if (input.Bytes <= 0) return "its size is not positive";
        if (input.Frames is <= 0 or > MaxFrames) return $"{input.Frames} frames is out of range";
        if (!IsSha256(input.Sha256)) return "its checksum is not a SHA-256";
        return null;
    }

    /// <summary>Outputs never replace an input, never coincide, and none lies inside another's place (as if it were a folder).</summary>
    private static string? Outputs(IReadOnlyList<JobInput> inputs)
    {
        var paths = new HashSet<string>(inputs.Select(i => i.Path), StringComparer.Ordinal);
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (paths.Contains(input.Output)) return $"the output {input.Output} is an input (inputs are never overwritten)";
            if (!outputs.Add(input.Output)) return $"two inputs have the output {input.Output}";
        }
        var places = outputs.Concat(paths).ToList();
        foreach (string output in outputs)
            if (places.FirstOrDefault(other => output.StartsWith(other + "/", StringComparison.Ordinal)) is { } outer)
                return $"the output {output} lies inside {outer}";
        return null;
    }

    private static string? Shards(JobManifest manifest)
    {
        var next = new int[manifest.Inputs.Count];
        for (int i = 0; i < manifest.Shards.Count; i++)
        {
            var shard = manifest.Shards[i];
            if (shard is null) return $"shard {i} is null";
            if (shard.Index != i) return $"shard {i} is numbered {shard.Index}";
            if (shard.Parts is null || shard.Parts.Count == 0 || shard.Parts.Any(p => p is null)) return $"shard {i} has no parts, or a null part";
            foreach (var part in shard.Parts)
            {
                if (part.Input < 0 || part.Input >= manifest.Inputs.Count) return $"a part names input {part.Input} of {manifest.Inputs.Count}";
                if (part.Start != next[part.Input] || part.End <= part.Start || part.DecodeFrom > part.Start || part.DecodeFrom < 0 || part.End > manifest.Inputs[part.Input].Frames)
                    return $"input {part.Input}'s part {part.Start}..{part.End} does not follow frame {next[part.Input]} within its {manifest.Inputs[part.Input].Frames} frames";
                next[part.Input] = part.End;
            }
        }
        for (int i = 0; i < manifest.Inputs.Count; i++)
            if (next[i] != manifest.Inputs[i].Frames) return $"input {i}'s parts cover {next[i]} of its {manifest.Inputs[i].Frames} frames";
        return null;
    }

    public static bool IsSha256(string? text) => text is not null && Sha256().IsMatch(text);

    /// <summary>A value as one short printable line (a hostile value may hold anything).</summary>
    public static string Printable(string? value) => value is null ? "(null)" : new string(value.Select(c => char.IsControl(c) ? '?' : c).Take(200).ToArray());

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();
}
