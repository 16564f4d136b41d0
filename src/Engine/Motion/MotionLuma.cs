using ClipLit.Renderer;

namespace ClipLit.Engine.Motion;

/// <summary>
/// The luma a frame's motion is estimated on: Rec. 709 luminance of the decoded frame in [0, 1], box
/// means over <see cref="FrameLayout.MotionFactor"/>-pixel squares (the motion field's pixels).
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
        float scale = 1f / (factor * factor * (wide ? 65535f : 255f));
        int bytesPerPixel = layout.BytesPerPixel;
        int rowBytes = layout.Width * bytesPerPixel;
        luma[..(width * height)].Clear();
        for (int y = 0; y < height * factor; y++)
        {
            var row = frame.Slice(y * rowBytes, rowBytes);
            var sums = luma.Slice(y / factor * width, width);
            for (int x = 0; x < width * factor; x++)
            {
                var pixel = row.Slice(x * bytesPerPixel, bytesPerPixel);
                float r, g, b;
                if (wide)
                {
                    r = pixel[0] | (pixel[1] << 8);
                    g = pixel[2] | (pixel[3] << 8);
                    b = pixel[4] | (pixel[5] << 8);
                }
                else
                {
                    r = pixel[0];
                    g = pixel[1];
                    b = pixel[2];
                }
                sums[x / factor] += 0.2126f * r + 0.7152f * g + 0.0722f * b;
            }
        }
        for (int i = 0; i < width * height; i++) luma[i] *= scale;
    }
}
