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
}
