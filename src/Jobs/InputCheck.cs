using System.Security.Cryptography;

namespace ClipLit.Jobs;

/// <summary>
/// Whether an input is still the file <c>job create</c> planned: the same size and last write time
/// (cheap, for every shard), else the same SHA-256 (a touched but unchanged file passes; the join
/// checks every input's content in full).
/// Thread-safety: stateless.
/// </summary>
public static class InputCheck
{
    /// <summary>SHA-256 of a file's content, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The input as <c>job create</c> records it.</summary>
    public static JobInput Record(string path, string output, int frames)
    {
        var file = new FileInfo(path);
        return new JobInput(file.FullName, Path.GetFullPath(output), file.Length, file.LastWriteTimeUtc, Sha256(file.FullName), frames);
    }

    /// <summary>Throws unless <paramref name="input"/> is unchanged since the job was created.</summary>
    /// <param name="input">The input as recorded.</param>
    /// <param name="full">Compare the content's checksum even when size and time agree.</param>
    /// <exception cref="JobException">Gone, or changed; the message names the file.</exception>
    public static void Unchanged(JobInput input, bool full)
    {
        var file = new FileInfo(input.Path);
        if (!file.Exists) throw new JobException($"{input.Path}: the input is gone since the job was created");
        if (file.Length != input.Bytes)
            throw new JobException($"{input.Path}: the input changed since the job was created ({file.Length} bytes, {input.Bytes} then)");
        if (!full && file.LastWriteTimeUtc == input.LastWriteUtc) return;
        if (Sha256(file.FullName) != input.Sha256)
            throw new JobException($"{input.Path}: the input changed since the job was created (its SHA-256 differs)");
    }
}
