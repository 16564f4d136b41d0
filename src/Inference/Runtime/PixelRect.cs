namespace ClipLit.Inference.Runtime;

/// <summary>An axis-aligned rectangle of pixels: rows [Top, Bottom), columns [Left, Right).</summary>
public readonly record struct PixelRect(int Top, int Left, int Height, int Width)
{
    public int Bottom => Top + Height;

    public int Right => Left + Width;

    public long Area => (long)Height * Width;

    public bool IsEmpty => Height <= 0 || Width <= 0;

    /// <summary>This rectangle grown by <paramref name="radius"/> on every side, clipped to an image of the given size.</summary>
    public PixelRect Expand(int radius, int imageHeight, int imageWidth)
    {
        int top = Math.Max(0, Top - radius), left = Math.Max(0, Left - radius);
        int bottom = Math.Min(imageHeight, Bottom + radius), right = Math.Min(imageWidth, Right + radius);
        return new PixelRect(top, left, bottom - top, right - left);
    }

    /// <summary>This rectangle in the coordinates of <paramref name="frame"/> (whose top-left becomes 0, 0).</summary>
    public PixelRect RelativeTo(PixelRect frame) => this with { Top = Top - frame.Top, Left = Left - frame.Left };

    public bool Contains(PixelRect other) =>
        other.Top >= Top && other.Left >= Left && other.Bottom <= Bottom && other.Right <= Right;

    public override string ToString() => $"{Width}x{Height}+{Left}+{Top}";
}
