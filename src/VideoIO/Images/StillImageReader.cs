using ClipLit.Core.Files;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.VideoIO.Images;

/// <summary>
/// Reads PNG, JPEG, BMP, TIFF and WebP photos into <see cref="StillImage"/>s, refusing files that
/// are empty, not images, truncated or corrupt with an <see cref="ImageFileException"/> that names
/// the file and the problem in one line.
/// Thread-safety: stateless; safe from any thread.
/// </summary>
public static class StillImageReader
{
    /// <exception cref="ImageFileException">The file cannot be used.</exception>
    public static StillImage Read(string path)
    {
        byte[] data = ContentFile.ReadAll(path, (problem, cause) => new ImageFileException(path, problem, cause));

        if (data.Length == 0) throw new ImageFileException(path, ContentFile.EmptyProblem);
        var format = ImageFileFormats.FromSignature(data)
            ?? throw new ImageFileException(path, "not a PNG, JPEG, BMP, TIFF or WebP image (unrecognized content)");
        var truncation = ImageFileIntegrity.FindProblem(format, data);
        if (truncation is not null) throw new ImageFileException(path, truncation);

        Image? image = null;
        try
        {
            var info = Image.Identify(data) ?? throw new ImageFileException(path, $"not a valid {format} image");
            image = IsSixteenBit(format, info) ? Image.Load<Rgba64>(data) : Image.Load<Rgba32>(data);
            var alpha = info.PixelType.AlphaRepresentation;
            bool hasAlpha = alpha is not null && alpha != PixelAlphaRepresentation.None;
            return new StillImage(path, format, image, IsGrayscale(format, image), hasAlpha);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException
                                      or NotSupportedException or InvalidDataException or IndexOutOfRangeException or ArgumentException)
        {
            image?.Dispose();
            throw new ImageFileException(path, $"not a valid {format} image ({FirstLine(e.Message)})", e);
        }
    }

    private static bool IsSixteenBit(ImageFileFormat format, IImageInfo info) => format switch
    {
        ImageFileFormat.Png => info.Metadata.GetPngMetadata().BitDepth == PngBitDepth.Bit16,
        ImageFileFormat.Tiff => info.PixelType.BitsPerPixel is 16 or 48 or 64
                                && info.Metadata.GetTiffMetadata() is not null
                                && info.PixelType.BitsPerPixel / ChannelCount(info) == 16,
        _ => false,
    };

    private static int ChannelCount(IImageInfo info)
    {
        var alpha = info.PixelType.AlphaRepresentation;
        bool hasAlpha = alpha is not null && alpha != PixelAlphaRepresentation.None;
        return info.PixelType.BitsPerPixel switch
        {
            16 => hasAlpha ? 2 : 1,
            48 => 3,
            64 => 4,
            _ => 3,
        };
    }

    private static bool IsGrayscale(ImageFileFormat format, Image image) => format switch
    {
        ImageFileFormat.Png => image.Metadata.GetPngMetadata().ColorType is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha,
        ImageFileFormat.Jpeg => image.Metadata.GetJpegMetadata().ColorType == JpegColorType.Luminance,
        ImageFileFormat.Tiff => image.Frames.RootFrame.Metadata.GetTiffMetadata().PhotometricInterpretation
            is TiffPhotometricInterpretation.BlackIsZero or TiffPhotometricInterpretation.WhiteIsZero,
        _ => false,
    };

    private static string FirstLine(string text)
    {
        int newline = text.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? text : text[..newline]).TrimEnd('.', ' ', ':');
    }
}
