using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClipLit.Core.Files;

namespace ClipLit.Jobs;

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

/// <summary>A model file that decides the frames, pinned by its content.</summary>
/// <param name="Role"><see cref="ModelRole"/>: "model" (the network) or "student" (fast quality's).</param>
/// <param name="Path">Absolute path (in a job: its copy in <c>JOB_DIR/models</c>).</param>
/// <param name="Sha256">SHA-256 of its content (lower-case hex).</param>
public sealed record JobModelFile(string Role, string Path, string Sha256);

/// <summary>The roles of a <see cref="JobModelFile"/>.</summary>
public static class ModelRole
{
    public const string Model = "model", Student = "student";
}

/// <summary>
/// A job's plan, <c>JOB_DIR/manifest.json</c>: the inputs with their checksums, the shards'
/// frame ranges, the enhance options every shard parses, the model files (with their checksums)
/// those options name, and the ClipLit version that made it. Written once by <c>job create</c>
/// (and by <c>enhance --resume</c> for its state), atomically; read by every other job command,
/// which trusts nothing in it before <see cref="JobManifestCheck"/> has checked every value: a job
/// folder on shared storage may be written by anyone who can write there.
/// </summary>
/// <param name="Format">The manifest format's version (<see cref="CurrentFormat"/>).</param>
/// <param name="ClipLitVersion">The version of ClipLit that created the job.</param>
/// <param name="Created">When.</param>
/// <param name="Options">The enhance options, as command-line tokens (<see cref="Videos.VideoOptionSet.Parse"/>).</param>
/// <param name="Models">The model and the student (if any) that decide the frames, with their checksums.</param>
/// <param name="Inputs">The input videos.</param>
/// <param name="Shards">The shards, indexed from 0.</param>
/// <param name="Overwrite">The join may replace outputs that exist (<c>--overwrite</c>).</param>
public sealed record JobManifest(int Format, string ClipLitVersion, DateTimeOffset Created, IReadOnlyList<string> Options, IReadOnlyList<JobModelFile> Models,
    IReadOnlyList<JobInput> Inputs, IReadOnlyList<JobShard> Shards, bool Overwrite)
{
    /// <summary>2: models pinned by checksum, done markers with the parts' checksums.</summary>
    public const int CurrentFormat = 2;

    public const string FileName = "manifest.json";

    /// <summary>A manifest is small (a line per input and per shard): anything far larger is not one.</summary>
    private const long MaxBytes = 64 << 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 16,
    };

    /// <summary>The running ClipLit's version.</summary>
    public static string RunningVersion =>
        typeof(JobManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The pinned file of <paramref name="role"/>, or null.</summary>
    public JobModelFile? ModelOf(string role) => Models.FirstOrDefault(m => m.Role == role);

    /// <summary>Writes the manifest into <paramref name="jobFolder"/> atomically.</summary>
    public void Write(string jobFolder) =>
        AtomicFile.Write(System.IO.Path.Combine(jobFolder, FileName), stream => JsonSerializer.Serialize(stream, this, Json));

    /// <summary>Reads <c>JOB_DIR/manifest.json</c> and checks every value in it.</summary>
    /// <exception cref="JobException">Missing, not JSON, another format, or a value out of place; the message names the file and the problem.</exception>
    public static JobManifest Read(string jobFolder)
    {
        string path = System.IO.Path.Combine(jobFolder, FileName);
        if (!File.Exists(path))
            throw new JobException(Directory.Exists(jobFolder) ? $"{path}: no job manifest (create the job with 'cliplit job create')" : $"{jobFolder}: no such job folder");
        byte[] bytes;
        try
        {
            if (new FileInfo(path).Length > MaxBytes) throw new JobException($"{path}: not a job manifest (larger than {MaxBytes >> 20} MiB)");
            // Unopened: a pipe left on the shared storage would wait for a writer.
            if (ContentFile.IsEmpty(path)) throw new JobException($"{path}: not a job manifest ({ContentFile.EmptyProblem})");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JobException($"{path}: cannot be read ({e.Message})");
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses and checks a manifest's bytes (<paramref name="path"/> names it in errors).</summary>
    /// <exception cref="JobException">Not a manifest of this format with valid values; the message names the file and the problem.</exception>
    public static JobManifest Parse(ReadOnlySpan<byte> bytes, string path)
    {
        int format;
        try
        {
            // The format first, so an older or newer manifest gets that said rather than its first unknown field.
            using var document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            format = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("format", out var f)
                     && f.ValueKind == JsonValueKind.Number && f.TryGetInt32(out int n) ? n : -1;
        }
        catch (JsonException e)
        {
            throw new JobException($"{path}: not a valid job manifest ({e.Message})");
        }
        if (format != CurrentFormat)
            throw new JobException(format < 0
                ? $"{path}: not a valid job manifest (no format number)"
                : $"{path}: manifest format {format}, this ClipLit ({RunningVersion}) reads format {CurrentFormat} (create the job again)");
        JobManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<JobManifest>(bytes, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new JobException($"{path}: not a valid job manifest ({OneLine(e.Message)})");
        }
        if (manifest is null) throw new JobException($"{path}: not a valid job manifest (empty)");
        if (JobManifestCheck.Problem(manifest) is { } problem) throw new JobException($"{path}: not a valid job manifest ({problem})");
        return manifest;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

/// <summary>A job command cannot go on: the message is the one line the user sees.</summary>
public sealed class JobException(string message) : Exception(message);
