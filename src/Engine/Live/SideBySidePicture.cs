namespace ClipLit.Engine.Live;

/// <summary>
/// Side by side on the CPU: the left lane's picture left of the divider, the primary lane's right
/// of it, and a white divider two pixels wide, assembled into one RGBA8 frame for the presenter
/// and the outputs.
/// Thread-safety: the window thread. Ownership: owns its picture buffer.
/// </summary>
/// <param name="width">The frames' width.</param>
/// <param name="height">The frames' height.</param>
public sealed class SideBySidePicture(int width, int height)
{
    private byte[] _pixels = [];

    /// <summary>The last assembled picture.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Assembles <paramref name="left"/> and <paramref name="right"/> with the divider at <paramref name="split"/> of the width.</summary>
    public void Assemble(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, double split)
    {
        int column = Math.Clamp((int)Math.Round(split * width), 2, width);
        if (_pixels.Length != left.Length) _pixels = new byte[left.Length];
        var into = _pixels.AsSpan();
        for (int y = 0; y < height; y++)
        {
            int row = 4 * y * width;
            left.Slice(row, 4 * column).CopyTo(into[row..]);
            right.Slice(row + 4 * column, 4 * (width - column)).CopyTo(into[(row + 4 * column)..]);
            into.Slice(row + 4 * (column - 2), 8).Fill(0xFF);
        }
    }
}
