namespace ClipLit.Bench.Measurement;

/// <summary>
/// A square window of an RGBA8 picture (a silhouette a report shows side by side with others).
/// Thread-safety: immutable once cut.
/// </summary>
/// <param name="Size">Its width and height in pixels.</param>
/// <param name="Rgba">Its pixels, row after row.</param>
public sealed record ImageCrop(int Size, byte[] Rgba)
{
    /// <summary>The <paramref name="size"/>-pixel window at (<paramref name="x"/>, <paramref name="y"/>) of a picture <paramref name="width"/> pixels wide.</summary>
    public static ImageCrop Cut(byte[] rgba, int width, int x, int y, int size)
    {
        var crop = new byte[4 * size * size];
        for (int row = 0; row < size; row++)
            Array.Copy(rgba, 4 * ((y + row) * width + x), crop, 4 * row * size, 4 * size);
        return new ImageCrop(size, crop);
    }
}
