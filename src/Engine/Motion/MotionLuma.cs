using ClipLit.Renderer;

namespace ClipLit.Engine.Motion;

/// <summary>
/// The luma a frame's motion is estimated on: Rec. 709 luminance of the decoded frame in [0, 1] (of
/// the high bytes at 16 bits per channel: enough for motion), box means over <see cref="FrameLayout.MotionFactor"/>-pixel squares (the motion field's pixels).
/// Read from the decoded frame in host memory, so it is the same wherever the network runs.
/// Thread-safety: stateless.
/// </summary>
public static class MotionLuma
{
    /// <summary>Fills <paramref name="luma"/> (MotionWidth x MotionHeight) from an RGBA frame of <paramref name="layout"/> (8 or 16 bits per channel).</summary>
    public static void From(ReadOnlySpan<byte> frame, FrameLayout layout, Span<float> luma)
    {
        int factor = layout.MotionFactor, width = layout.MotionWidth, height = layout.MotionHeight;
        if (frame.Length < layout.FrameBytes) throw new ArgumentException($"a {layout.Width}x{layout.Height} frame has {layout.FrameBytes} bytes", nameof(frame));
        if (luma.Length < width * height) throw new ArgumentException($"the luma needs {width * height} values", nameof(luma));
        bool wide = layout.BitsPerChannel == 16;
        float scale = 1f / (factor * factor * 255f);
        int bytesPerPixel = layout.BytesPerPixel;
        int rowBytes = layout.Width * bytesPerPixel;
        luma[..(width * height)].Clear();
        // Channel offsets of R, G, B within a pixel (16 bits: the high byte is enough for motion, the low one adds noise).
        int r = wide ? 1 : 0, g = wide ? 3 : 1, b = wide ? 5 : 2;
        for (int y = 0; y < height * factor; y++)
        {
            var row = frame.Slice(y * rowBytes, width * factor * bytesPerPixel);
            var sums = luma.Slice(y / factor * width, width);
            for (int x = 0, at = 0; x < width * factor; x++, at += bytesPerPixel)
                sums[x / factor] += 0.2126f * row[at + r] + 0.7152f * row[at + g] + 0.0722f * row[at + b];
        }
        for (int i = 0; i < width * height; i++) luma[i] *= scale;
    }
}
