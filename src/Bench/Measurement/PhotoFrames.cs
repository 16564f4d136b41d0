using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipLit.Bench.Measurement;

/// <summary>
/// Real photos as frames of one size: each photo of a folder (name order) scaled to it, RGBA8.
/// Thread-safety: stateless.
/// </summary>
public static class PhotoFrames
{
    public static List<byte[]> Load(string folder, int width, int height)
    {
        var frames = new List<byte[]>();
        foreach (string photo in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            using var image = Image.Load<Rgba32>(photo);
            image.Mutate(x => x.Resize(width, height));
            var rgba = new byte[width * height * 4];
            image.CopyPixelDataTo(rgba);
            frames.Add(rgba);
        }
        return frames;
    }
}
