namespace ClipLit.Renderer.Presentation;

/// <summary>
/// One line of the heads-up display; warnings (a model that did not load, no signal) are drawn in amber.
/// Thread-safety: immutable.
/// </summary>
public readonly record struct HudLine(string Text, bool Warning = false);

/// <summary>
/// The heads-up display as an opaque RGBA8 picture: lines of text in <see cref="HudFont"/>,
/// enlarged <c>scale</c> times, on a dark panel. The presenter copies it over the top-left
/// corner of the window, so it stays sharp at any window size and never touches the frames
/// that are saved or streamed.
/// Thread-safety: immutable once drawn (nothing writes Rgba after Draw); any thread.
/// </summary>
public sealed class HudPanel
{
    private const int Margin = 3;      // font pixels around the text
    private const int LineGap = 3;     // font pixels between lines
    private const int LetterGap = 1;
    private static readonly (byte R, byte G, byte B) Background = (20, 20, 24);
    private static readonly (byte R, byte G, byte B) Text = (236, 236, 236);
    private static readonly (byte R, byte G, byte B) Warning = (255, 190, 60);

    private HudPanel(int width, int height, byte[] rgba)
    {
        Width = width;
        Height = height;
        Rgba = rgba;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Width·Height RGBA8 pixels, rows top first.</summary>
    public byte[] Rgba { get; }

    /// <summary>Draws <paramref name="lines"/>; <paramref name="scale"/> screen pixels per font pixel (2, or more on HiDPI screens).</summary>
    public static HudPanel Draw(IReadOnlyList<HudLine> lines, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        int columns = lines.Count == 0 ? 0 : lines.Max(line => line.Text.Length);
        int cellWidth = HudFont.GlyphWidth + LetterGap, cellHeight = HudFont.GlyphHeight + LineGap;
        int width = scale * (2 * Margin + Math.Max(1, columns * cellWidth - LetterGap));
        int height = scale * (2 * Margin + Math.Max(1, lines.Count * cellHeight - LineGap));
        var rgba = new byte[4 * width * height];
        Fill(rgba, 0, rgba.Length / 4, Background);
        for (int row = 0; row < lines.Count; row++)
        {
            var (text, warning) = lines[row];
            var color = warning ? Warning : Text;
            for (int column = 0; column < text.Length; column++)
            {
                int left = Margin + column * cellWidth, top = Margin + row * cellHeight;
                for (int y = 0; y < HudFont.GlyphHeight; y++)
                    for (int x = 0; x < HudFont.GlyphWidth; x++)
                    {
                        if (!HudFont.IsLit(text[column], x, y)) continue;
                        for (int dy = 0; dy < scale; dy++)
                            Fill(rgba, ((top + y) * scale + dy) * width + (left + x) * scale, scale, color);
                    }
            }
        }
        return new HudPanel(width, height, rgba);
    }

    private static void Fill(byte[] rgba, int firstPixel, int count, (byte R, byte G, byte B) color)
    {
        for (int i = firstPixel; i < firstPixel + count; i++)
        {
            rgba[4 * i] = color.R;
            rgba[4 * i + 1] = color.G;
            rgba[4 * i + 2] = color.B;
            rgba[4 * i + 3] = 255;
        }
    }
}
