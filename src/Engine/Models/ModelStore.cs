using System.Security.Cryptography;
using ClipLit.Core.Files;
using ClipLit.Inference.Model;

namespace ClipLit.Engine.Models;

/// <summary>
/// Where the default enhancement model lives and how it gets there.
/// Lookup: <c>$CLIPLIT_MODEL</c> (a model file), else the per-user model folder
/// (<c>$XDG_DATA_HOME/cliplit/models</c>, default <c>~/.local/share/cliplit/models</c>).
/// Provisioning fills that folder from, in order: an explicit source folder,
/// <c>$CLIPLIT_MODEL_SOURCE</c>, <c>models/clip-lit</c> in the shared data folder (<c>$CLIPLIT_SHARED</c>,
/// else <c>shared</c> beside the repository), or a
/// download of the paper's released checkpoint (checked against its SHA-256).
/// Thread-safety: stateless apart from the file system.
/// </summary>
public static class ModelStore
{
    /// <summary>File name of the paper's trained checkpoint, in its release and in the model folder.</summary>
    public const string DefaultModelFileName = "enhancement_model.pth";

    /// <summary>The paper's released checkpoint (github.com/ZhexinLiang/CLIP-LIT, pretrained_models/).</summary>
    public static readonly Uri ReleaseUrl = new("https://github.com/ZhexinLiang/CLIP-LIT/raw/main/pretrained_models/enhancement_model.pth");

    /// <summary>SHA-256 of the released checkpoint; a download with any other content is refused.</summary>
    public const string ReleaseSha256 = "67aa1bdbac345842670e494b02953f299e5088bcb3f98a18bd60b06fef48b5c9";

    public const string ModelVariable = "CLIPLIT_MODEL";
    public const string SourceVariable = "CLIPLIT_MODEL_SOURCE";

    /// <summary>The per-user model folder.</summary>
    public static string UserModelFolder
    {
        get
        {
            string? dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(dataHome))
                dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return Path.Combine(dataHome, "cliplit", "models");
        }
    }

    /// <summary>The default model installed in the per-user folder.</summary>
    public static string UserDefaultModel => Path.Combine(UserModelFolder, DefaultModelFileName);

    /// <summary>The model to use when <c>--model</c> is not given, or null with the reason.</summary>
    public static string? ResolveDefault(out string reason)
    {
        string? configured = Environment.GetEnvironmentVariable(ModelVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            reason = $"${ModelVariable}";
            return configured;
        }
        if (File.Exists(UserDefaultModel))
        {
            reason = "the per-user model folder";
            return UserDefaultModel;
        }
        reason = $"no default model: {UserDefaultModel} does not exist and ${ModelVariable} is not set; run ./setup (or 'cliplit models install') or pass --model";
        return null;
    }

    /// <summary>
    /// Installs the default model into the per-user folder. With <paramref name="explicitSource"/>,
    /// from that folder alone (a failure there is the answer, not a reason to take another source),
    /// replacing an installed model of other content; without, unless a valid one is already there,
    /// from the first source that has a valid one.
    /// </summary>
    /// <returns>A line describing what was done.</returns>
    /// <exception cref="ModelLoadException">The source asked for, or every source, fails; the message says what was tried.</exception>
    /// <exception cref="IOException">The model folder cannot be written; the message names it.</exception>
    /// <exception cref="UnauthorizedAccessException">The model folder may not be written.</exception>
    public static async Task<string> ProvisionAsync(string? explicitSource, Uri? downloadUrl, CancellationToken cancellation)
    {
        string target = UserDefaultModel;
        if (!string.IsNullOrEmpty(explicitSource))
        {
            string candidate = Path.Combine(explicitSource, DefaultModelFileName);
            if (!Directory.Exists(explicitSource)) throw new ModelLoadException(explicitSource, "--source: no such folder");
            if (!File.Exists(candidate)) throw new ModelLoadException(candidate, $"--source: the folder holds no {DefaultModelFileName}");
            if (TryValidate(candidate) is { } problem) throw new ModelLoadException(candidate, $"--source: {problem}");
            if (File.Exists(target) && SameContent(candidate, target)) return $"default model already installed: {target}";
            Install(candidate, target);
            return $"installed the default model from --source: {candidate} -> {target}";
        }
        if (File.Exists(target) && TryValidate(target) is null) return $"default model already installed: {target}";

        var tried = new List<string>();
        foreach (var (folder, origin) in SourceFolders())
        {
            string candidate = Path.Combine(folder, DefaultModelFileName);
            if (!File.Exists(candidate))
            {
                tried.Add($"{origin} ({candidate}: not found)");
                continue;
            }
            string? problem = TryValidate(candidate);
            if (problem is not null)
            {
                tried.Add($"{origin} ({problem})");
                continue;
            }
            Install(candidate, target);
            return $"installed the default model from {origin}: {candidate} -> {target}";
        }

        var url = downloadUrl ?? ReleaseUrl;
        try
        {
            await DownloadAsync(url, target, cancellation);
            return $"downloaded the paper's checkpoint from {url} -> {target}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException)
        {
            tried.Add($"download from {url} ({e.Message.TrimEnd('.')})");
        }
        throw new ModelLoadException(target,
            $"cannot provision the default model; tried {string.Join("; ", tried)}. Put {DefaultModelFileName} in a folder and set ${SourceVariable} to it");
    }

    private static IEnumerable<(string Folder, string Origin)> SourceFolders()
    {
        string? variable = Environment.GetEnvironmentVariable(SourceVariable);
        if (!string.IsNullOrEmpty(variable)) yield return (variable, $"${SourceVariable}");
        string? shared = SharedFolder();
        if (shared is not null)
            yield return (Path.Combine(shared, "models", "clip-lit"), "the shared data folder");
    }

    /// <summary>The shared data folder: <c>$CLIPLIT_SHARED</c>, else <c>shared</c> beside the repository.</summary>
    public static string? SharedFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("CLIPLIT_SHARED");
        if (!string.IsNullOrEmpty(configured)) return Path.GetFullPath(configured);
        string? root = RepositoryRoot();
        return root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared"));
    }

    /// <summary>Copies a checked model into the model folder, atomically.</summary>
    private static void Install(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.Write(target, output =>
        {
            using var input = File.OpenRead(source);
            input.CopyTo(output);
        });
    }

    private static bool SameContent(string a, string b) =>
        new FileInfo(a).Length == new FileInfo(b).Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));

    /// <summary>The release checkpoint is about a megabyte: a download far larger is not it.</summary>
    private const int MaxDownloadBytes = 64 << 20;

    /// <summary>Downloads the release into memory, checks its SHA-256, then writes it atomically: only the release's exact bytes are ever installed.</summary>
    private static async Task DownloadAsync(Uri url, string target, CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5), MaxResponseContentBufferSize = MaxDownloadBytes };
        byte[] content = await http.GetByteArrayAsync(url, cancellation);
        string hash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (hash != ReleaseSha256) throw new InvalidDataException($"downloaded file has SHA-256 {hash}, expected {ReleaseSha256}");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.Write(target, output => output.Write(content));
    }

    private static string? TryValidate(string path)
    {
        try
        {
            ModelLoader.Load(path);
            return null;
        }
        catch (ModelLoadException e)
        {
            return e.Problem;
        }
    }

    /// <summary>The repository holding this program (the folder with ClipLit.sln above its binaries), if any.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ClipLit.sln"))) return dir.FullName;
        return null;
    }
}
