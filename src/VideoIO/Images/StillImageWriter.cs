using ClipLit.Core.Files;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;

namespace ClipLit.VideoIO.Images;

/// <summary>Options for writing photos.</summary>
/// <param name="JpegQuality">
/// JPEG quality 1-100. Null keeps a JPEG source's own (estimated) quality and uses 95 for other
/// sources. Higher costs file size, lower loses detail.
/// </param>
public sealed record StillImageWriteOptions(int? JpegQuality)
{
    public static StillImageWriteOptions Default { get; } = new((int?)null);
}

/// <summary>
/// Writes a <see cref="StillImage"/> atomically (temporary file, then rename) in the format its
/// file name asks for. Written in its own format, it keeps the source's colour type, bit depth,
/// compression style and metadata (EXIF orientation, ICC profile); in another format it keeps
/// alpha, grey and 16-bit depth where that format can hold them.
/// Thread-safety: stateless.
/// </summary>
public static class StillImageWriter
{
    private const int DefaultJpegQuality = 95;

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/>; returns a note when precision is reduced, else null.</summary>
    /// <param name="image">The picture.</param>
    /// <param name="path">The file written.</param>
    /// <param name="options">How it is encoded.</param>
    /// <param name="replace">Replace a file of that name; false: never, not even one that appeared while encoding.</param>
    /// <exception cref="ImageFileException">The extension is not a supported format, a file has the name (not replacing), or writing failed.</exception>
    public static string? Write(StillImage image, string path, StillImageWriteOptions options, bool replace = true)
    {
        var format = ImageFileFormats.FromExtension(path)
            ?? throw new ImageFileException(path, $"unsupported output extension '{Path.GetExtension(path)}' (use .png, .jpg, .bmp, .tif or .webp)");
        var encoder = CreateEncoder(image, format, options);
        try
        {
            AtomicFile.Write(path, stream => image.Image.Save(stream, encoder), replace);
        }
        catch (OutputExistsException)
        {
            throw new ImageFileException(path, "a file of that name appeared while it was being written; it was not replaced (--overwrite replaces it)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, $"cannot be written ({FileProblem.Reason(e)})", e);
        }
        bool holdsSixteenBits = format is ImageFileFormat.Png or ImageFileFormat.Tiff;
        return image.BitsPerChannel == 16 && !holdsSixteenBits
            ? $"{path}: 16-bit source written with 8 bits per channel ({format} holds 8)"
            : null;
    }

    private static IImageEncoder CreateEncoder(StillImage image, ImageFileFormat format, StillImageWriteOptions options)
    {
        bool sameFormat = format == image.Format;
        bool lossless = image.Format is ImageFileFormat.Png or ImageFileFormat.Bmp or ImageFileFormat.Tiff;
        return format switch
        {
            // Same format: encoders left unset take colour type, depth and compression from the source's metadata.
            ImageFileFormat.Png when sameFormat => new PngEncoder(),
            ImageFileFormat.Png => new PngEncoder
            {
                ColorType = image.IsGrayscale
                    ? image.HasAlpha ? PngColorType.GrayscaleWithAlpha : PngColorType.Grayscale
                    : image.HasAlpha ? PngColorType.RgbWithAlpha : PngColorType.Rgb,
                BitDepth = image.BitsPerChannel == 16 ? PngBitDepth.Bit16 : PngBitDepth.Bit8,
            },
            ImageFileFormat.Jpeg => new JpegEncoder
            {
                Quality = options.JpegQuality ?? (sameFormat ? null : DefaultJpegQuality),
                ColorType = image.IsGrayscale ? JpegColorType.Luminance : sameFormat ? null : JpegColorType.YCbCrRatio420,
            },
            ImageFileFormat.Bmp when sameFormat => new BmpEncoder(),
            ImageFileFormat.Bmp => new BmpEncoder { BitsPerPixel = image.HasAlpha ? BmpBitsPerPixel.Pixel32 : BmpBitsPerPixel.Pixel24 },
            ImageFileFormat.Tiff when sameFormat => new TiffEncoder(),
            ImageFileFormat.Tiff => new TiffEncoder(),
            ImageFileFormat.Webp when sameFormat => new WebpEncoder(),
            ImageFileFormat.Webp => new WebpEncoder
            {
                FileFormat = lossless ? WebpFileFormatType.Lossless : WebpFileFormatType.Lossy,
                Quality = DefaultJpegQuality,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }
}
