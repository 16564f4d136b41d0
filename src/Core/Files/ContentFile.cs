namespace ClipLit.Core.Files;

/// <summary>
/// The size check a reader of a user's file (photo, model, student) makes before opening it. A path
/// that reports 0 bytes is an empty file, or no regular file at all: on Linux a FIFO, a socket or a
/// device reports no size, and opening a FIFO for reading waits until something writes to it, a hang
/// that Ctrl+C does not end. Neither holds content, so both are refused unopened, as
/// <c>VideoProbe</c> refuses them.
/// Thread-safety: stateless.
/// </summary>
public static class ContentFile
{
    /// <summary>What the refusal says (one wording for photos, videos and models).</summary>
    public const string EmptyProblem = "empty file (0 bytes)";

    /// <summary>What a reader says of a path that names nothing.</summary>
    public const string MissingProblem = "no such file";

    /// <summary>Whether <paramref name="path"/> exists, is no folder and reports 0 bytes (false where it cannot be asked: the open says why).</summary>
    public static bool IsEmpty(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists && file.Length == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The whole content of a user's file, refused unopened where it reports no size (see above). Each
    /// refusal is the reader's own exception, made by <paramref name="refusal"/> from the problem in
    /// words and its cause: "no such file", "cannot be read (why)" or <see cref="EmptyProblem"/>.
    /// </summary>
    public static byte[] ReadAll(string path, Func<string, Exception?, FileProblemException> refusal)
    {
        if (IsEmpty(path)) throw refusal(EmptyProblem, null);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw refusal(MissingProblem, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw refusal($"cannot be read ({e.Message})", e);
        }
    }
}
