using ClipLit.Inference.Imaging;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.VideoIO.Images;

namespace ClipLit.Cli.Photos;

/// <summary>
/// Enhances one photo file into another: decode, pre-process, light map (ONNX Runtime), compose
/// clamp(I / L, 0, 1), write atomically in the output's format. Alpha passes through, grey stays
/// grey, 16-bit sources stay 16-bit where the output format allows.
/// Thread-safety: not thread-safe (one estimator). Ownership: does not own the estimator.
/// </summary>
public sealed class PhotoEnhancer(LightMapEstimator estimator, StillImageWriteOptions writeOptions)
{
    /// <summary>Where the last photo's time went: decode, network (including graph loading), encode.</summary>
    public string LastTimings { get; private set; } = "";

    /// <summary>Enhances <paramref name="input"/> into <paramref name="output"/>; returns a note for the user, or null.</summary>
    /// <exception cref="ImageFileException">The input cannot be read or the output cannot be written.</exception>
    /// <exception cref="InferenceException">The network failed on this image.</exception>
    public string? Enhance(string input, string output, CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var image = StillImageReader.Read(input);
        var decoded = watch.Elapsed;
        if (image.Width < EnhancementArchitecture.MinimumSide || image.Height < EnhancementArchitecture.MinimumSide)
            throw new ImageFileException(input, $"too small ({image.Width}x{image.Height}): the network needs at least {EnhancementArchitecture.MinimumSide}x{EnhancementArchitecture.MinimumSide} pixels");

        int pixels = image.Width * image.Height;
        var (planar, pixelBuffer) = ReadPlanar(image);
        var lightMap = new float[pixels];
        var loadBefore = estimator.LoadTime;
        var network = System.Diagnostics.Stopwatch.StartNew();
        estimator.Estimate(planar, image.Height, image.Width, lightMap, cancellation: cancellation);
        var networkTime = network.Elapsed;
        var loadTime = estimator.LoadTime - loadBefore;
        PlanarConversion.Compose(planar, lightMap, pixels);
        WritePlanar(image, planar, pixelBuffer);
        cancellation.ThrowIfCancellationRequested();
        var processed = watch.Elapsed;
        string? note = StillImageWriter.Write(image, output, writeOptions);
        LastTimings = $"decode {decoded.TotalSeconds:F2} s, network {networkTime.TotalSeconds:F2} s (graph loading {loadTime.TotalSeconds:F2} s), " +
                      $"other processing {(processed - decoded - networkTime).TotalSeconds:F2} s, encode {(watch.Elapsed - processed).TotalSeconds:F2} s";
        return note;
    }

    /// <summary>The photo's RGB as planar floats in [0, 1], and its 8- or 16-bit RGBA pixels (kept for alpha).</summary>
    private static (float[] Planar, Array Pixels) ReadPlanar(StillImage image)
    {
        int pixels = image.Width * image.Height;
        var planar = new float[3 * (long)pixels];
        if (image.BitsPerChannel == 16)
        {
            var rgba = new ushort[4 * (long)pixels];
            image.CopyPixelsTo(rgba);
            PlanarConversion.ToPlanar(rgba, planar, pixels);
            return (planar, rgba);
        }
        var rgba8 = new byte[4 * (long)pixels];
        image.CopyPixelsTo(rgba8);
        PlanarConversion.ToPlanar(rgba8, planar, pixels);
        return (planar, rgba8);
    }

    /// <summary>Replaces the photo's RGB with planar floats in [0, 1]; alpha stays as read into <paramref name="pixels"/>.</summary>
    private static void WritePlanar(StillImage image, float[] planar, Array pixels)
    {
        int count = image.Width * image.Height;
        switch (pixels)
        {
            case ushort[] rgba:
                PlanarConversion.ToRgba(planar, rgba, count);
                image.SetPixels(rgba);
                break;
            case byte[] rgba:
                PlanarConversion.ToRgba(planar, rgba, count);
                image.SetPixels(rgba);
                break;
            default:
                throw new ArgumentException($"unexpected pixel buffer {pixels.GetType()}", nameof(pixels));
        }
    }
}
