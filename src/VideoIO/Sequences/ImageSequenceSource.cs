using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.VideoIO.Sequences;

/// <summary>
/// Frames from a numbered image sequence (<see cref="ImageSequencePattern"/>), in number order, at a
/// constant frame rate: frame i has timestamp i/fps. Every frame must have the first frame's size;
/// 16-bit frames are reduced to 8 bits (the frame engine's video path is 8-bit). A frame that cannot
/// be read ends the sequence there, and <see cref="FinishAsync"/> says which and why.
/// Thread-safety: one reader. Ownership: owns nothing native; each frame's image is released after reading.
/// </summary>
public sealed class ImageSequenceSource : IFrameSource
{
    private readonly IReadOnlyList<string> _frames;
    private readonly double _framesPerSecond;
    private int _next;
    private string? _problem;

    /// <exception cref="ImageFileException">The sequence has no frames, or its first frame cannot be read.</exception>
    public ImageSequenceSource(ImageSequencePattern pattern, double framesPerSecond)
    {
        if (!(framesPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "frames per second must be positive");
        _frames = pattern.ExistingFrames();
        if (_frames.Count == 0) throw new ImageFileException(pattern.Pattern, "no frames match this sequence pattern");
        _framesPerSecond = framesPerSecond;
        using var first = StillImageReader.Read(_frames[0]);
        Width = first.Width;
        Height = first.Height;
    }

    public int Width { get; }

    public int Height { get; }

    public int? FrameCount => _frames.Count;

    /// <summary>The frame files, in order.</summary>
    public IReadOnlyList<string> Frames => _frames;

    /// <summary>Frame i's timestamp in microseconds.</summary>
    public long TimestampOf(int index) => (long)Math.Round(index * 1_000_000.0 / _framesPerSecond);

    public ValueTask<SourceFrame> ReadAsync(Memory<byte> destination, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (_next >= _frames.Count || _problem is not null) return ValueTask.FromResult(SourceFrame.End);
        string path = _frames[_next];
        try
        {
            using var image = StillImageReader.Read(path);
            if (image.Width != Width || image.Height != Height)
            {
                _problem = $"{path}: {image.Width}x{image.Height}, but the sequence's frames are {Width}x{Height}";
                return ValueTask.FromResult(SourceFrame.End);
            }
            var frame = destination.Span[..(4 * Width * Height)];
            if (image.BitsPerChannel == 8)
            {
                image.CopyPixelsTo(frame);
            }
            else
            {
                var wide = new ushort[frame.Length];
                image.CopyPixelsTo(wide);
                for (int i = 0; i < wide.Length; i++) frame[i] = (byte)((wide[i] * 255 + 32767) / 65535);
            }
        }
        catch (ImageFileException e)
        {
            _problem = e.Message;
            return ValueTask.FromResult(SourceFrame.End);
        }
        long timestamp = TimestampOf(_next++);
        return ValueTask.FromResult(new SourceFrame(true, timestamp));
    }

    public Task<string?> FinishAsync() => Task.FromResult(_problem is null ? null : $"only {_next} of {_frames.Count} frames could be read ({_problem})");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
