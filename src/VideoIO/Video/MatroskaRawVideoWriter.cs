using System.Buffers.Binary;
using System.Text;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Writes uncompressed RGBA frames with their timestamps as a Matroska stream (V_UNCOMPRESSED,
/// ColourSpace "RGBA", microsecond timestamps): the one simple container FFmpeg reads from a pipe
/// that carries a timestamp per frame, which variable-frame-rate video needs. One cluster per frame
/// keeps block timestamps relative to their cluster at zero.
/// Thread-safety: not thread-safe. Ownership: does not own the stream.
/// </summary>
public sealed class MatroskaRawVideoWriter(Stream output, int width, int height)
{
    /// <summary>Nanoseconds per timestamp tick: timestamps are in microseconds.</summary>
    public const long TimestampScale = 1000;

    private const ulong UnknownSize = 0x01FFFFFFFFFFFFFF;
    private bool _headerWritten;

    /// <summary>Frame size in bytes (width · height · 4).</summary>
    public int FrameBytes => width * height * 4;

    public async Task WriteFrameAsync(ReadOnlyMemory<byte> rgba, long timestampMicroseconds, CancellationToken cancellation)
    {
        if (rgba.Length != FrameBytes) throw new ArgumentException($"a {width}x{height} RGBA frame has {FrameBytes} bytes, got {rgba.Length}");
        if (timestampMicroseconds < 0) throw new ArgumentOutOfRangeException(nameof(timestampMicroseconds), "Matroska timestamps are not negative");
        if (!_headerWritten)
        {
            await output.WriteAsync(Header(), cancellation);
            _headerWritten = true;
        }

        // Cluster { Timestamp, SimpleBlock { track 1, relative time 0, keyframe, data } }
        var timestamp = Element(0xE7, UInt(timestampMicroseconds));
        var blockHeader = new byte[] { 0x81, 0x00, 0x00, 0x80 };
        long blockSize = blockHeader.Length + rgba.Length;
        var blockId = Id(0xA3).Concat(Size((ulong)blockSize)).ToArray();
        long clusterSize = timestamp.Length + blockId.Length + blockSize;
        var clusterStart = Id(0x1F43B675).Concat(Size((ulong)clusterSize)).ToArray();

        await output.WriteAsync(clusterStart, cancellation);
        await output.WriteAsync(timestamp, cancellation);
        await output.WriteAsync(blockId, cancellation);
        await output.WriteAsync(blockHeader, cancellation);
        await output.WriteAsync(rgba, cancellation);
    }

    private byte[] Header()
    {
        var ebml = Element(0x1A45DFA3,
            Element(0x4286, UInt(1)), Element(0x42F7, UInt(1)), Element(0x42F2, UInt(4)), Element(0x42F3, UInt(8)),
            Element(0x4282, Encoding.ASCII.GetBytes("matroska")), Element(0x4287, UInt(4)), Element(0x4285, UInt(2)));
        var info = Element(0x1549A966,
            Element(0x2AD7B1, UInt(TimestampScale)),
            Element(0x4D80, Encoding.ASCII.GetBytes("ClipLit")),
            Element(0x5741, Encoding.ASCII.GetBytes("ClipLit")));
        var video = Element(0xE0,
            Element(0xB0, UInt(width)), Element(0xBA, UInt(height)),
            Element(0x2EB524, Encoding.ASCII.GetBytes("RGBA")));
        var track = Element(0xAE,
            Element(0xD7, UInt(1)), Element(0x73C5, UInt(1)), Element(0x83, UInt(1)), Element(0x9C, UInt(0)),
            Element(0x86, Encoding.ASCII.GetBytes("V_UNCOMPRESSED")), video);
        var tracks = Element(0x1654AE6B, track);
        var segmentStart = Id(0x18538067).Concat(Size(UnknownSize)).ToArray();
        return [.. ebml, .. segmentStart, .. info, .. tracks];
    }

    private static byte[] Element(uint id, params byte[][] children)
    {
        var payload = children.SelectMany(c => c).ToArray();
        return [.. Id(id), .. Size((ulong)payload.Length), .. payload];
    }

    private static byte[] Element(uint id, byte[] payload) => [.. Id(id), .. Size((ulong)payload.Length), .. payload];

    /// <summary>An element ID: its bytes as written (the length marker is part of the ID).</summary>
    private static byte[] Id(uint id)
    {
        int bytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        var result = new byte[bytes];
        for (int i = 0; i < bytes; i++) result[i] = (byte)(id >> (8 * (bytes - 1 - i)));
        return result;
    }

    /// <summary>An element size as an 8-byte EBML variable-length integer.</summary>
    private static byte[] Size(ulong size)
    {
        var result = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(result, size | 0x0100000000000000UL);
        return result;
    }

    private static byte[] UInt(long value)
    {
        var result = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(result, (ulong)value);
        return result;
    }
}
