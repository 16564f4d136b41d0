using ClipLit.Core.Files;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.VideoIO.Sequences;

/// <summary>
/// Writes frames as a numbered image sequence (<see cref="ImageSequencePattern"/>, numbered from 1
/// like FFmpeg's), one file per frame in the pattern's format, each written atomically. A run that
/// is disposed without <see cref="CompleteAsync"/> (cancelled or failed) deletes the frames it
/// wrote, so an incomplete sequence is never left looking complete. Timestamps are not stored.
/// Thread-safety: one writer. Ownership: owns the files it wrote until completed.
/// </summary>
/// <param name="pattern">Where the frames go.</param>
/// <param name="width">Frame width.</param>
/// <param name="height">Frame height.</param>
/// <param name="options">How frames are encoded.</param>
/// <param name="replace">Replace existing frames (and remove an older sequence's extra frames); false: a frame whose name is taken fails the run.</param>
public sealed class ImageSequenceSink(ImageSequencePattern pattern, int width, int height, StillImageWriteOptions options, bool replace = true) : IFrameSink
{
    private readonly List<string> _written = [];
    private bool _completed;

    /// <summary>The files written so far, in order.</summary>
    public IReadOnlyList<string> Written => _written;

    /// <exception cref="ImageFileException">The frame could not be written.</exception>
    public Task WriteAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        string path = pattern.PathOf(_written.Count + 1);
        using var image = StillImage.FromRgba(path, rgba.Span[..(4 * width * height)], width, height);
        StillImageWriter.Write(image, path, options, replace);
        _written.Add(path);
        return Task.CompletedTask;
    }

    /// <summary>Keeps the frames; frames of an older sequence under the same pattern beyond the new one's end are removed (it replaced that sequence).</summary>
    public Task CompleteAsync()
    {
        _completed = true;
        var written = new HashSet<string>(_written.Select(Path.GetFullPath), StringComparer.Ordinal);
        foreach (string stale in pattern.ExistingFrames().Where(f => !written.Contains(Path.GetFullPath(f)))) AtomicFile.TryDelete(stale);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (!_completed)
            foreach (string path in _written) AtomicFile.TryDelete(path);
        return ValueTask.CompletedTask;
    }
}
