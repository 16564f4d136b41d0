namespace ClipLit.VideoIO.Images;

/// <summary>The still-image formats ClipLit reads and writes.</summary>
public enum ImageFileFormat
{
    Png,
    Jpeg,
    Bmp,
    Tiff,
    Webp,
}

/// <summary>File-name extensions and content signatures of <see cref="ImageFileFormat"/>s.</summary>
public static class ImageFileFormats
{
    private static readonly Dictionary<string, ImageFileFormat> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = ImageFileFormat.Png,
        [".jpg"] = ImageFileFormat.Jpeg,
        [".jpeg"] = ImageFileFormat.Jpeg,
        [".jpe"] = ImageFileFormat.Jpeg,
        [".bmp"] = ImageFileFormat.Bmp,
        [".tif"] = ImageFileFormat.Tiff,
        [".tiff"] = ImageFileFormat.Tiff,
        [".webp"] = ImageFileFormat.Webp,
    };

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Extensions of files treated as photos when a folder is given as input.</summary>
    public static IReadOnlyCollection<string> Extensions => ByExtension.Keys;

    /// <summary>The format a file name's extension names, if any.</summary>
    public static ImageFileFormat? FromExtension(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var format) ? format : null;

    /// <summary>The format whose signature starts <paramref name="header"/>, if any.</summary>
    public static ImageFileFormat? FromSignature(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith(PngSignature)) return ImageFileFormat.Png;
        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF) return ImageFileFormat.Jpeg;
        if (header.StartsWith("BM"u8)) return ImageFileFormat.Bmp;
        if (header.StartsWith("II*\0"u8) || header.StartsWith("MM\0*"u8)) return ImageFileFormat.Tiff;
        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8)) return ImageFileFormat.Webp;
        return null;
    }
}
