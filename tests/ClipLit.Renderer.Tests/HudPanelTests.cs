using ClipLit.Renderer.Presentation;

namespace ClipLit.Renderer.Tests;

/// <summary>The heads-up display's text: what <see cref="HudPanel"/> draws, pixel by pixel, from <see cref="HudFont"/>.</summary>
[TestFixture]
public sealed class HudPanelTests
{
    private static readonly (byte R, byte G, byte B) Background = (20, 20, 24);
    private static readonly (byte R, byte G, byte B) Text = (236, 236, 236);

    [Test]
    public void AGlyphIsDrawnEnlargedInsideTheMargin()
    {
        // '1' is "..#.." on its top row: margin 3 font pixels, scale 2.
        var panel = HudPanel.Draw([new HudLine("1")], scale: 2);
        Assert.That((panel.Width, panel.Height), Is.EqualTo((2 * (3 + 5 + 3), 2 * (3 + 7 + 3))));
        Assert.That(Pixel(panel, 2 * (3 + 2), 2 * 3), Is.EqualTo(Text), "the top of the 1's stem");
        Assert.That(Pixel(panel, 2 * (3 + 2) + 1, 2 * 3 + 1), Is.EqualTo(Text), "enlarged to 2x2 screen pixels");
        Assert.That(Pixel(panel, 2 * 3, 2 * 3), Is.EqualTo(Background), "left of the stem on the top row");
        Assert.That(Pixel(panel, 0, 0), Is.EqualTo(Background), "the margin");
        Assert.That(Pixel(panel, 2 * (3 + 1), 2 * (3 + 6)), Is.EqualTo(Text), "the foot: .###. on the bottom row");
        Assert.That(panel.Rgba.Where((_, i) => i % 4 == 3), Is.All.EqualTo(255), "opaque");
    }

    [Test]
    public void LinesStackAndWarningsAreAmber()
    {
        var panel = HudPanel.Draw([new HudLine("A"), new HudLine("AB", Warning: true)], scale: 1);
        Assert.That((panel.Width, panel.Height), Is.EqualTo((3 + 5 + 1 + 5 + 3, 3 + 7 + 3 + 7 + 3)));
        // 'A' has "#...#" on its second row: column 0 lit.
        Assert.That(Pixel(panel, 3, 3 + 1), Is.EqualTo(Text));
        Assert.That(Pixel(panel, 3, 3 + 10 + 1), Is.EqualTo(((byte)255, (byte)190, (byte)60)));
    }

    [Test]
    public void LowerCaseIsDrawnAsUpperCaseAndUnknownCharactersAsAQuestionMark()
    {
        Assert.That(HudPanel.Draw([new HudLine("model.pth")], 1).Rgba, Is.EqualTo(HudPanel.Draw([new HudLine("MODEL.PTH")], 1).Rgba));
        Assert.That(HudPanel.Draw([new HudLine("~")], 1).Rgba, Is.EqualTo(HudPanel.Draw([new HudLine("?")], 1).Rgba));
        Assert.That(HudFont.CanDraw('~'), Is.False);
    }

    [Test]
    public void EveryGlyphIsDistinctAndTheDisplaysWordsAreAllDrawable()
    {
        string drawable = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,:/%()-+_|'!?=[]<>*#";
        var bitmaps = drawable.Select(c => Convert.ToHexString(HudPanel.Draw([new HudLine(c.ToString())], 1).Rgba)).ToList();
        Assert.That(bitmaps, Is.Unique, "no glyph is a copy of another");
        Assert.That(drawable.All(HudFont.CanDraw));
        const string words = "DISPLAY 29.8 FPS   LATENCY 85 MS (P99 120) PAUSED ENHANCER 4.1 HZ, 140 MS LIGHT MAP 2.1 FRAMES OLD "
                             + "CPU (ONNX Runtime 1.31.0, 2 threads) fast, network 256x144 MODEL enhancement_model.pth (LOADED IN 0.2 S) LEFT | RIGHT";
        Assert.That(words.Where(c => !HudFont.CanDraw(c)), Is.Empty);
    }

    private static (byte R, byte G, byte B) Pixel(HudPanel panel, int x, int y)
    {
        int i = 4 * (y * panel.Width + x);
        return (panel.Rgba[i], panel.Rgba[i + 1], panel.Rgba[i + 2]);
    }
}
