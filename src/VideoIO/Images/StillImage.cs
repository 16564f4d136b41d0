using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.VideoIO.Images;

/// <summary>
/// A decoded photo: its pixels as interleaved RGBA (8 or 16 bits per channel; grey images are
/// expanded to R = G = B) plus everything needed to write it back the way it came in: format,
/// bit depth, colour type, alpha, EXIF/ICC metadata.
/// Thread-safety: not thread-safe. Ownership: owns the decoded image; Dispose releases it.
/// </summary>
public sealed class StillImage : IDisposable
{
    private Image? _image;

    internal StillImage(string path, ImageFileFormat format, Image image, bool isGrayscale, bool hasAlpha)
    {
        Path = path;
        Format = format;
        _image = image;
        IsGrayscale = isGrayscale;
        HasAlpha = hasAlpha;
    }

    /// <summary>An 8-bit RGB image holding <paramref name="rgba"/> (4·W·H bytes; alpha dropped), to be written as <paramref name="name"/> says.</summary>
    public static StillImage FromRgba(string name, ReadOnlySpan<byte> rgba, int width, int height)
    {
        var image = new StillImage(name, ImageFileFormat.Png, new Image<Rgba32>(width, height), isGrayscale: false, hasAlpha: false);
        image.SetPixels(rgba);
        return image;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    public ImageFileFormat Format { get; }

    public int Width => Image.Width;

    public int Height => Image.Height;

    /// <summary>8, or 16 for 16-bit PNG and TIFF sources (kept at 16 bits through processing).</summary>
    public int BitsPerChannel => Image is Image<Rgba64> ? 16 : 8;

    /// <summary>The source had one colour channel; it is written back as grey.</summary>
    public bool IsGrayscale { get; }

    /// <summary>The source had an alpha channel; alpha passes through processing unchanged.</summary>
    public bool HasAlpha { get; }

    internal Image Image => _image ?? throw new ObjectDisposedException(nameof(StillImage));

    /// <summary>Copies the pixels of an 8-bit image as RGBA bytes (4·W·H).</summary>
    public void CopyPixelsTo(Span<byte> rgba) => CopyRows<Rgba32, byte>(rgba, toImage: false);

    /// <summary>Replaces the pixels of an 8-bit image with RGBA bytes (4·W·H).</summary>
    public void SetPixels(ReadOnlySpan<byte> rgba) => CopyRows<Rgba32, byte>(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(rgba), rgba.Length), toImage: true);

    /// <summary>Copies the pixels of a 16-bit image as RGBA words (4·W·H).</summary>
    public void CopyPixelsTo(Span<ushort> rgba) => CopyRows<Rgba64, ushort>(rgba, toImage: false);

    /// <summary>Replaces the pixels of a 16-bit image with RGBA words (4·W·H).</summary>
    public void SetPixels(ReadOnlySpan<ushort> rgba) => CopyRows<Rgba64, ushort>(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(rgba), rgba.Length), toImage: true);

    private void CopyRows<TPixel, TChannel>(Span<TChannel> buffer, bool toImage)
        where TPixel : unmanaged, IPixel<TPixel>
        where TChannel : unmanaged
    {
        if (Image is not Image<TPixel> image)
            throw new InvalidOperationException($"{Path} has {BitsPerChannel}-bit channels; use the {BitsPerChannel}-bit pixel accessors");
        int rowLength = Width * 4;
        if (buffer.Length < (long)rowLength * Height)
            throw new ArgumentException($"pixel buffer holds {buffer.Length} values, {Width}x{Height} RGBA needs {(long)rowLength * Height}");

        // ProcessPixelRows gives row spans that are valid only inside the callback, hence the copy loops there.
        unsafe
        {
            fixed (TChannel* start = buffer)
            {
                var pointer = (IntPtr)start;
                image.ProcessPixelRows(accessor =>
                {
                    for (int y = 0; y < accessor.Height; y++)
                    {
                        var row = MemoryMarshal.Cast<TPixel, TChannel>(accessor.GetRowSpan(y));
                        var flat = new Span<TChannel>((TChannel*)pointer + (long)y * rowLength, rowLength);
                        if (toImage) flat.CopyTo(row); else row.CopyTo(flat);
                    }
                });
            }
        }
    }

    public void Dispose()
    {
        _image?.Dispose();
        _image = null;
    }
}
