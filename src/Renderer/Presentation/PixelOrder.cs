using System.Numerics;
using System.Runtime.InteropServices;

namespace ClipLit.Renderer.Presentation;

/// <summary>
/// RGBA8 to and from BGRA8 (the channel order most swapchains use): red and blue trade places.
/// Thread-safety: stateless; any thread.
/// </summary>
public static class PixelOrder
{
    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/> (same length, a multiple of 4), swapping red and blue.</summary>
    public static void CopySwappingRedBlue(ReadOnlySpan<byte> source, Span<byte> target)
    {
        if (source.Length % 4 != 0 || target.Length < source.Length) throw new ArgumentException("whole pixels, and room for them");
        var from = MemoryMarshal.Cast<byte, uint>(source);
        var to = MemoryMarshal.Cast<byte, uint>(target);
        int i = 0;
        // Little-endian words: R is the low byte, B the third; G and A stay.
        var keep = new Vector<uint>(0xFF00FF00u);
        var low = new Vector<uint>(0xFFu);
        for (; i + Vector<uint>.Count <= from.Length; i += Vector<uint>.Count)
        {
            var v = new Vector<uint>(from[i..]);
            ((v & keep) | ((v >> 16) & low) | ((v & low) << 16)).CopyTo(to[i..]);
        }
        for (; i < from.Length; i++)
        {
            uint v = from[i];
            to[i] = (v & 0xFF00FF00u) | ((v >> 16) & 0xFFu) | ((v & 0xFFu) << 16);
        }
    }
}
