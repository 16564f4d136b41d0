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
        var planar = new float[3 * (long)pixels];
        var lightMap = new float[pixels];
        if (image.BitsPerChannel == 16)
        {
            var rgba = new ushort[4 * (long)pixels];
            image.CopyPixelsTo(rgba);
            PlanarConversion.ToPlanar(rgba, planar, pixels);
            Run(planar, lightMap, image, cancellation);
            PlanarConversion.ToRgba(planar, rgba, pixels);
            image.SetPixels(rgba);
        }
        else
        {
            var rgba = new byte[4 * (long)pixels];
            image.CopyPixelsTo(rgba);
            PlanarConversion.ToPlanar(rgba, planar, pixels);
            Run(planar, lightMap, image, cancellation);
            PlanarConversion.ToRgba(planar, rgba, pixels);
            image.SetPixels(rgba);
        }
        cancellation.ThrowIfCancellationRequested();
        var processed = watch.Elapsed;
        string? note = StillImageWriter.Write(image, output, writeOptions);
        LastTimings = $"decode {decoded.TotalSeconds:F2} s, network {_network.TotalSeconds:F2} s (graph loading {_loading.TotalSeconds:F2} s), " +
                      $"other processing {(processed - decoded - _network).TotalSeconds:F2} s, encode {(watch.Elapsed - processed).TotalSeconds:F2} s";
        return note;
    }

    private TimeSpan _network;
    private TimeSpan _loading;

    private void Run(float[] planar, float[] lightMap, StillImage image, CancellationToken cancellation)
    {
        var loadBefore = estimator.LoadTime;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        estimator.Estimate(planar, image.Height, image.Width, lightMap, cancellation: cancellation);
        _network = watch.Elapsed;
        _loading = estimator.LoadTime - loadBefore;
        PlanarConversion.Compose(planar, lightMap, image.Width * image.Height);
    }
}
