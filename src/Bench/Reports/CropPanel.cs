using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Bench.Reports;

/// <summary>
/// Crops of one place side by side, each enlarged (pixels repeated), as a PNG a report links.
/// Thread-safety: stateless.
/// </summary>
public static class CropPanel
{
    /// <param name="crops">The crops, left to right, all of one size.</param>
    /// <param name="scale">How many times each pixel is repeated across and down.</param>
    public static byte[] Png(IReadOnlyList<ImageCrop> crops, int scale)
    {
        int size = crops[0].Size;
        using var panel = new Image<Rgba32>(crops.Count * size * scale, size * scale);
        for (int p = 0; p < crops.Count; p++)
            for (int y = 0; y < size * scale; y++)
                for (int x = 0; x < size * scale; x++)
                {
                    int i = 4 * ((y / scale) * size + x / scale);
                    var source = crops[p].Rgba;
                    panel[p * size * scale + x, y] = new Rgba32(source[i], source[i + 1], source[i + 2], 255);
                }
        using var png = new MemoryStream();
        panel.SaveAsPng(png);
        return png.ToArray();
    }
}
