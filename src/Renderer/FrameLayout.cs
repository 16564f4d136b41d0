using ClipLit.Renderer.Passes;

namespace ClipLit.Renderer;

/// <summary>
/// Which light map the frames get.
/// Thread-safety: a value; any thread.
/// </summary>
public enum EnhanceQuality
{
    /// <summary>The paper's network at full resolution: faithful, slow on CPUs.</summary>
    Full,

    /// <summary>
    /// The network on a downscaled frame (long side <see cref="FrameLayout.DefaultFastLongSide"/>),
    /// its light map brought back to full size by an upsampler before the division.
    /// </summary>
    Fast,
}

/// <summary>
/// The sizes of one stream of frames: the frame itself, and what the network sees (the same size
/// in full quality; a downscaled copy in fast quality).
/// Thread-safety: immutable.
/// </summary>
public sealed record FrameLayout(int Width, int Height, EnhanceQuality Quality, int NetworkWidth, int NetworkHeight, UpsampleMode Upsample)
{
    /// <summary>
    /// Long side of the network's input in fast quality. At 555 kFLOP per pixel, 256x144 costs about
    /// 20 GFLOP, which a 2-core CPU runs at over 10 Hz; docs/benchmarks.md measures the quality.
    /// </summary>
    public const int DefaultFastLongSide = 256;

    public int Pixels => Width * Height;

    /// <summary>8 (video, most photos) or 16 (16-bit PNG and TIFF photos); frames are RGBA at this depth.</summary>
    public int BitsPerChannel
    {
        get;
        init => field = value is 8 or 16 ? value : throw new ArgumentOutOfRangeException(nameof(BitsPerChannel), value, "8 or 16 bits per channel");
    } = 8;

    /// <summary>Bytes of one RGBA pixel of the frame: 4 or 8.</summary>
    public int BytesPerPixel => BitsPerChannel / 2;

    /// <summary>Bytes of one whole frame.</summary>
    public int FrameBytes => checked(Pixels * BytesPerPixel);

    public int NetworkPixels => NetworkWidth * NetworkHeight;

    /// <summary>The layout for a frame size: in fast quality the network's input keeps the aspect ratio with the given long side (never upscaled).</summary>
    public static FrameLayout For(int width, int height, EnhanceQuality quality, int fastLongSide = DefaultFastLongSide, UpsampleMode upsample = UpsampleMode.EdgeAware)
    {
        if (width < 2 || height < 2) throw new ArgumentException($"{width}x{height} is smaller than the network's minimum of 2x2 pixels");
        if (quality == EnhanceQuality.Full || Math.Max(width, height) <= fastLongSide)
            return new FrameLayout(width, height, quality, width, height, upsample);
        double scale = (double)fastLongSide / Math.Max(width, height);
        int networkWidth = Math.Max(2, (int)Math.Round(width * scale));
        int networkHeight = Math.Max(2, (int)Math.Round(height * scale));
        return new FrameLayout(width, height, quality, networkWidth, networkHeight, upsample);
    }

    /// <summary>A fast layout whose network size another rule chose (a student's scale); never larger than the frame.</summary>
    public static FrameLayout Downscaled(int width, int height, int networkWidth, int networkHeight, UpsampleMode upsample = UpsampleMode.EdgeAware)
    {
        if (width < 2 || height < 2) throw new ArgumentException($"{width}x{height} is smaller than the network's minimum of 2x2 pixels");
        if (networkWidth < 1 || networkHeight < 1 || networkWidth > width || networkHeight > height)
            throw new ArgumentException($"a {networkWidth}x{networkHeight} network input does not fit a {width}x{height} frame");
        return new FrameLayout(width, height, EnhanceQuality.Fast, networkWidth, networkHeight, upsample);
    }

    /// <summary>The network runs on a smaller copy of the frame.</summary>
    public bool IsDownscaled => NetworkWidth != Width || NetworkHeight != Height;

    /// <summary>
    /// Long side (at most) of the motion field the light map's average follows: coarse motion is
    /// enough for a map that is smooth by nature, and a small field is cheap to estimate on the CPU.
    /// </summary>
    public const int MotionLongSide = 256;

    /// <summary>The frame's pixels per motion pixel, each way: a whole number, so the motion's luma is a box average.</summary>
    public int MotionFactor => Math.Max(1, (Math.Max(Width, Height) + MotionLongSide - 1) / MotionLongSide);

    /// <summary>The motion field's width (the frame's columns past MotionWidth·MotionFactor are left out).</summary>
    public int MotionWidth => Math.Max(1, Width / MotionFactor);

    public int MotionHeight => Math.Max(1, Height / MotionFactor);

    /// <summary>Planes of the network's input buffer: R, G, B, and when downscaled the guidance plane of the small frame.</summary>
    public int NetworkPlanes => IsDownscaled ? 4 : 3;
}
