using System.Buffers.Binary;

namespace ClipLit.VideoIO.Images;

/// <summary>
/// Detects truncated image files by walking each format's container structure. Decoders are
/// lenient here: ImageSharp 2.1 decodes a JPEG, PNG, BMP, TIFF or WebP cut short without an error
/// and fills the missing part with grey, which would turn a broken download into a plausible,
/// wrong output. These checks read only headers and markers.
/// Thread-safety: stateless.
/// </summary>
public static class ImageFileIntegrity
{
    /// <summary>Returns null when the file's structure is complete, else a short description of the problem.</summary>
    public static string? FindProblem(ImageFileFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFileFormat.Png => CheckPng(data),
        ImageFileFormat.Jpeg => CheckJpeg(data),
        ImageFileFormat.Bmp => CheckBmp(data),
        ImageFileFormat.Tiff => CheckTiff(data),
        ImageFileFormat.Webp => CheckWebp(data),
        _ => null,
    };

    private static string? CheckPng(ReadOnlySpan<byte> data)
    {
        int pos = 8;
        while (true)
        {
            if (pos + 8 > data.Length) return "truncated PNG (ends before the IEND chunk)";
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var type = data.Slice(pos + 4, 4);
            long end = pos + 12L + length;
            if (end > data.Length) return $"truncated PNG (ends inside a {System.Text.Encoding.ASCII.GetString(type)} chunk)";
            if (type.SequenceEqual("IEND"u8)) return null;
            pos = (int)end;
        }
    }

    private static string? CheckJpeg(ReadOnlySpan<byte> data)
    {
        int pos = 2; // after SOI
        while (true)
        {
            // Find the next marker; libjpeg also tolerates stray bytes between segments.
            while (pos < data.Length && data[pos] != 0xFF) pos++;
            while (pos < data.Length && data[pos] == 0xFF) pos++;
            if (pos >= data.Length) return "truncated JPEG (no end-of-image marker)";
            byte marker = data[pos++];
            if (marker == 0xD9) return null; // EOI
            if (marker is >= 0xD0 and <= 0xD7 or 0x01 or 0x00) continue; // RSTn, TEM, stuffed zero: no length
            if (pos + 2 > data.Length) return "truncated JPEG (ends inside a segment header)";
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (pos + length > data.Length) return "truncated JPEG (ends inside a segment)";
            pos += length;
            if (marker != 0xDA) continue; // not SOS

            // Entropy-coded data runs until a marker other than a stuffed 0xFF00 or a restart marker.
            while (true)
            {
                int ff = data[pos..].IndexOf((byte)0xFF);
                if (ff < 0 || pos + ff + 1 >= data.Length) return "truncated JPEG (ends inside the compressed image data)";
                pos += ff;
                byte next = data[pos + 1];
                if (next == 0x00 || next is >= 0xD0 and <= 0xD7 || next == 0xFF) { pos += next == 0xFF ? 1 : 2; continue; }
                break;
            }
        }
    }

    private static string? CheckBmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 26) return "truncated BMP (incomplete header)";
        long pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        long width, height;
        int bitsPerPixel;
        uint compression = 0, imageSize = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
        }
        else
        {
            if (data.Length < 38) return "truncated BMP (incomplete header)";
            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
            imageSize = BinaryPrimitives.ReadUInt32LittleEndian(data[34..]);
        }

        long pixelBytes = compression switch
        {
            0 or 3 or 6 => (width * bitsPerPixel + 31) / 32 * 4 * height, // uncompressed rows padded to 4 bytes
            1 or 2 => imageSize, // RLE: the header states the size
            _ => 0, // embedded JPEG/PNG: the decoder checks it
        };
        return pixelOffset + pixelBytes > data.Length ? "truncated BMP (pixel data is incomplete)" : null;
    }

    private static string? CheckWebp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12) return "truncated WebP (incomplete header)";
        long riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        return 8 + riffSize > data.Length ? "truncated WebP (file is shorter than its RIFF header says)" : null;
    }

    private static string? CheckTiff(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) return "truncated TIFF (incomplete header)";
        bool little = data[0] == (byte)'I';
        uint U16(ReadOnlySpan<byte> d, int at) => little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);
        uint U32(ReadOnlySpan<byte> d, int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

        long ifd = U32(data, 4);
        if (ifd + 2 > data.Length) return "truncated TIFF (the image directory is missing)";
        int entries = (int)U16(data, (int)ifd);
        if (ifd + 2 + 12L * entries > data.Length) return "truncated TIFF (the image directory is incomplete)";

        long[]? offsets = null, counts = null;
        for (int i = 0; i < entries; i++)
        {
            int entry = (int)ifd + 2 + 12 * i;
            uint tag = U16(data, entry), type = U16(data, entry + 2), count = U32(data, entry + 4);
            if (tag is not (273 or 279 or 324 or 325)) continue;
            int size = type == 3 ? 2 : type == 4 ? 4 : 0;
            if (size == 0) continue;
            long valuesAt = count * size <= 4 ? entry + 8 : U32(data, entry + 8);
            if (valuesAt + (long)count * size > data.Length) return "truncated TIFF (strip table is incomplete)";
            var values = new long[count];
            for (int k = 0; k < count; k++)
                values[k] = size == 2 ? U16(data, (int)valuesAt + 2 * k) : U32(data, (int)valuesAt + 4 * k);
            if (tag is 273 or 324) offsets = values; else counts = values;
        }
        if (offsets is null || counts is null) return null; // unusual layout: leave it to the decoder
        for (int k = 0; k < Math.Min(offsets.Length, counts.Length); k++)
            if (offsets[k] + counts[k] > data.Length) return "truncated TIFF (image data is incomplete)";
        return null;
    }
}
