using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// One source image: a photo (<c>Frame</c> null), or a frame of a video. <c>Key</c> is a stable name
/// (the file name, and the frame for a video) that keys its random draws; images of one <c>Group</c>
/// are held out together (photos are a group each, a video's frames one group: neighbouring frames look alike).
/// </summary>
public sealed record SourceImage(string Path, int? Frame, string Key, string Group)
{
    /// <summary>A short readable name for files: the file name without extension, and the frame for a video (<c>clip_f120</c>).</summary>
    public string Label => System.IO.Path.GetFileNameWithoutExtension(Path) + (Frame is { } frame ? $"_f{frame}" : "");

    public override string ToString() => Frame is { } frame ? $"{Path} frame {frame}" : Path;
}

/// <summary>
/// Finds the source images of a distillation run: <c>--images</c> arguments are folders (their
/// photos, not recursively), globs (<c>*</c> and <c>?</c> in the file name) or files; <c>--videos</c>
/// are video files sampled every N frames. Each photo is decoded once here, so an unreadable one
/// is reported (one <c>error:</c> line) and left out before anything depends on the list.
/// Video frames are decoded when asked for (<see cref="ReadVideoFrames"/>).
/// Thread-safety: stateless.
/// </summary>
public static class SourceImages
{
    /// <summary>The smallest photo side distillation takes: its views crop and scale, and the student sees a fifth of it.</summary>
    public const int MinimumSide = 16;

    /// <exception cref="InvalidDataException">No usable source image at all; one line.</exception>
    /// <param name="images">--images arguments.</param>
    /// <param name="videos">--videos arguments.</param>
    /// <param name="frameStep">A video frame every this many.</param>
    /// <param name="errors">Where each file left out is named.</param>
    /// <param name="leftOut">How many files were left out.</param>
    public static List<SourceImage> Find(IReadOnlyList<string> images, IReadOnlyList<string> videos, int frameStep, TextWriter errors, out int leftOut)
    {
        leftOut = 0;
        var found = new List<SourceImage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string argument in images)
        {
            foreach (string file in Expand(argument, errors))
            {
                string full = System.IO.Path.GetFullPath(file);
                if (!seen.Add(full)) continue;
                try
                {
                    using var photo = StillImageReader.Read(full);
                    if (photo.Width < MinimumSide || photo.Height < MinimumSide)
                    {
                        errors.WriteLine($"error: {full}: too small ({photo.Width}x{photo.Height}): distillation takes photos of at least {MinimumSide}x{MinimumSide} pixels; left out");
                        leftOut++;
                        continue;
                    }
                }
                catch (ImageFileException e)
                {
                    errors.WriteLine($"error: {e.Message}; left out");
                    leftOut++;
                    continue;
                }
                found.Add(new SourceImage(full, null, System.IO.Path.GetFileName(full), full));
            }
        }
        foreach (string video in videos)
        {
            string full = System.IO.Path.GetFullPath(video);
            VideoInfo info;
            try
            {
                info = VideoProbe.Probe(full);
            }
            catch (VideoFileException e)
            {
                errors.WriteLine($"error: {e.Message}; left out");
                leftOut++;
                continue;
            }
            int frames = info.FrameCount;
            for (int frame = 0; frame < frames; frame += frameStep)
                found.Add(new SourceImage(full, frame, $"{System.IO.Path.GetFileName(full)}#{frame}", full));
        }
        if (found.Count == 0)
            throw new InvalidDataException($"no usable source image in {string.Join(", ", images.Concat(videos))}");
        return found;
    }

    /// <summary>The photo files an --images argument names.</summary>
    private static IEnumerable<string> Expand(string argument, TextWriter errors)
    {
        if (Directory.Exists(argument))
            return Photos(Directory.EnumerateFiles(argument));
        string name = System.IO.Path.GetFileName(argument);
        if (name.IndexOfAny(['*', '?']) >= 0)
        {
            string folder = System.IO.Path.GetDirectoryName(argument) is { Length: > 0 } d ? d : ".";
            if (!Directory.Exists(folder))
            {
                errors.WriteLine($"error: {argument}: no such folder");
                return [];
            }
            var options = new EnumerationOptions { MatchType = MatchType.Simple, MatchCasing = MatchCasing.PlatformDefault };
            return Photos(Directory.EnumerateFiles(folder, name, options));
        }
        if (File.Exists(argument)) return [argument];
        errors.WriteLine($"error: {argument}: no such file or folder");
        return [];
    }

    private static IEnumerable<string> Photos(IEnumerable<string> files) =>
        files.Where(f => ImageFileFormats.FromExtension(f) is not null && !System.IO.Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal);

    /// <summary>Decodes the given frames of a video (ascending), as RGBA8 with the frame size.</summary>
    /// <exception cref="VideoFileException">The video cannot be decoded.</exception>
    public static Dictionary<int, byte[]> ReadVideoFrames(string path, IReadOnlySet<int> frames, out int width, out int height, CancellationToken cancellation)
    {
        var info = VideoProbe.Probe(path, cancellation);
        width = info.Width;
        height = info.Height;
        var result = new Dictionary<int, byte[]>();
        if (frames.Count == 0) return result;
        int last = frames.Max();
        var reader = new VideoFrameReader(info);
        try
        {
            var buffer = new byte[info.FrameBytes];
            for (int frame = 0; frame <= last; frame++)
            {
                if (!reader.ReadAsync(buffer, cancellation).AsTask().GetAwaiter().GetResult().HasFrame) break;
                if (frames.Contains(frame)) result[frame] = (byte[])buffer.Clone();
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return result;
    }
}
