using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClipLit.Core;

namespace ClipLit.Cli.Jobs;

/// <summary>An input video as <c>job create</c> found it: what a shard checks before it trusts the file.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Output">Absolute path of the enhanced video the join writes.</param>
/// <param name="Bytes">Size.</param>
/// <param name="LastWriteUtc">Last write time: unchanged with the size, the content is taken as unchanged; else its checksum decides.</param>
/// <param name="Sha256">SHA-256 of the content (lower-case hex).</param>
/// <param name="Frames">Frames in display order.</param>
public sealed record JobInput(string Path, string Output, long Bytes, DateTime LastWriteUtc, string Sha256, int Frames);

/// <summary>Frames <paramref name="Start"/> up to <paramref name="End"/> of input <paramref name="Input"/>, decoded from <paramref name="DecodeFrom"/> (warm-up).</summary>
/// <param name="Input">Index into <see cref="JobManifest.Inputs"/>.</param>
/// <param name="DecodeFrom">The first frame decoded (the warm-up starts there).</param>
/// <param name="Start">The first frame written.</param>
/// <param name="End">One past the last frame written.</param>
public sealed record JobPart(int Input, int DecodeFrom, int Start, int End);

/// <summary>One shard: the parts one worker enhances, in order.</summary>
/// <param name="Index">0-based; what SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX names.</param>
/// <param name="Parts">The parts.</param>
public sealed record JobShard(int Index, IReadOnlyList<JobPart> Parts);

/// <summary>
/// A job's plan, <c>JOB_DIR/manifest.json</c>: the inputs with their checksums, the shards'
/// frame ranges, the enhance options every shard parses (the model and the student copied into the
/// job folder and named there, so every worker runs the same files) and the ClipLit version that
/// made it. Written once by <c>job create</c>, atomically; read by every other job command.
/// </summary>
/// <param name="Format">The manifest format's version (<see cref="CurrentFormat"/>).</param>
/// <param name="ClipLitVersion">The version of ClipLit that created the job.</param>
/// <param name="Created">When.</param>
/// <param name="Options">The enhance options, as command-line tokens (<see cref="Videos.VideoOptionSet.Parse"/>).</param>
/// <param name="Inputs">The input videos.</param>
/// <param name="Shards">The shards, indexed from 0.</param>
/// <param name="Overwrite">The join may replace outputs that exist (<c>--overwrite</c>).</param>
public sealed record JobManifest(int Format, string ClipLitVersion, DateTimeOffset Created, IReadOnlyList<string> Options,
    IReadOnlyList<JobInput> Inputs, IReadOnlyList<JobShard> Shards, bool Overwrite)
{
    public const int CurrentFormat = 1;

    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The running ClipLit's version.</summary>
    public static string RunningVersion =>
        typeof(JobManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Writes the manifest into <paramref name="jobFolder"/> atomically.</summary>
    public void Write(string jobFolder) =>
        AtomicFile.Write(System.IO.Path.Combine(jobFolder, FileName), stream => JsonSerializer.Serialize(stream, this, Json));

    /// <summary>Reads and checks <c>JOB_DIR/manifest.json</c>.</summary>
    /// <exception cref="JobException">Missing, not JSON, another format, or inconsistent; the message names the file and the problem.</exception>
    public static JobManifest Read(string jobFolder)
    {
        string path = System.IO.Path.Combine(jobFolder, FileName);
        if (!File.Exists(path))
            throw new JobException(Directory.Exists(jobFolder) ? $"{path}: no job manifest (create the job with 'cliplit job create')" : $"{jobFolder}: no such job folder");
        JobManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<JobManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new JobException($"{path}: not a valid job manifest ({e.Message})");
        }
        if (manifest is null) throw new JobException($"{path}: not a valid job manifest (empty)");
        if (manifest.Format != CurrentFormat)
            throw new JobException($"{path}: manifest format {manifest.Format}, this ClipLit ({RunningVersion}) reads format {CurrentFormat}");
        if (manifest.Check() is { } problem) throw new JobException($"{path}: not a valid job manifest ({problem})");
        return manifest;
    }

    /// <summary>Null when every shard's parts name an input and frames within it and every input's frames are covered once, in order; else what is wrong.</summary>
    private string? Check()
    {
        if (Inputs.Count == 0 || Shards.Count == 0) return "no inputs or no shards";
        for (int i = 0; i < Shards.Count; i++)
            if (Shards[i].Index != i) return $"shard {i} is numbered {Shards[i].Index}";
        var next = new int[Inputs.Count];
        foreach (var part in Shards.SelectMany(s => s.Parts))
        {
            if (part.Input < 0 || part.Input >= Inputs.Count) return $"a part names input {part.Input} of {Inputs.Count}";
            if (part.Start != next[part.Input] || part.End <= part.Start || part.DecodeFrom > part.Start || part.DecodeFrom < 0 || part.End > Inputs[part.Input].Frames)
                return $"input {part.Input}'s part {part.Start}..{part.End} does not follow frame {next[part.Input]} within its {Inputs[part.Input].Frames} frames";
            next[part.Input] = part.End;
        }
        for (int i = 0; i < Inputs.Count; i++)
            if (next[i] != Inputs[i].Frames) return $"input {i}'s parts cover {next[i]} of its {Inputs[i].Frames} frames";
        return null;
    }
}

/// <summary>A job command cannot go on: the message is the one line the user sees.</summary>
public sealed class JobException(string message) : Exception(message);
