using ClipLit.Engine;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.VideoIO.Images;

namespace ClipLit.Cli.Photos;

/// <summary>
/// Enhances one photo file into another: decode, pre-process, light map (ONNX Runtime), compose
/// clamp(I / L, 0, 1), write atomically in the output's format. 8-bit photos go through the frame
/// engine's Vulkan stages (the same shaders as video); 16-bit photos take the same stages at 16-bit
/// precision. Alpha passes through, grey stays grey.
/// Thread-safety: one photo at a time. Ownership: does not own the session.
/// </summary>
/// <param name="session">The model (the student's session in fast quality when there is one).</param>
/// <param name="quality">Full: the paper's network at full resolution; fast: the model's fast layout.</param>
/// <param name="fastLongSide">The network's input long side in fast quality without a student.</param>
/// <param name="writeOptions">How outputs are encoded.</param>
/// <param name="replace">Outputs may replace existing files (--overwrite); else never, not even one that appears while enhancing.</param>
/// <param name="strength">How strongly to correct (<see cref="CorrectionStrength"/>): 1, the paper's output, unless asked.</param>
/// <param name="denoise">The gain-aware denoise's amount (<see cref="FrameRenderer.Denoise"/>): 0, off, unless asked.</param>
public sealed class PhotoEnhancer(EnhancerSession session, EnhanceQuality quality, int fastLongSide, StillImageWriteOptions writeOptions, bool replace,
    float strength = CorrectionStrength.Paper, float denoise = 0f)
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

        var loadBefore = session.GraphLoadTime;
        var network = System.Diagnostics.Stopwatch.StartNew();
        if (image.BitsPerChannel == 8)
        {
            var rgba = new byte[4 * (long)image.Width * image.Height];
            image.CopyPixelsTo(rgba);
            session.Stills.Enhance(rgba, Layout(image.Width, image.Height), cancellation, strength, denoise);
            image.SetPixels(rgba);
        }
        else
        {
            var rgba = new ushort[4 * (long)image.Width * image.Height];
            image.CopyPixelsTo(rgba);
            session.Stills.Enhance(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rgba.AsSpan()), Layout(image.Width, image.Height) with { BitsPerChannel = 16 }, cancellation, strength, denoise);
            image.SetPixels(rgba);
        }
        var networkTime = network.Elapsed;
        var loadTime = session.GraphLoadTime - loadBefore;
        cancellation.ThrowIfCancellationRequested();
        var processed = watch.Elapsed;
        string? note = StillImageWriter.Write(image, output, writeOptions, replace);
        LastTimings = $"decode {decoded.TotalSeconds:F2} s, enhance {networkTime.TotalSeconds:F2} s (graph loading {loadTime.TotalSeconds:F2} s), " +
                      $"encode {(watch.Elapsed - processed).TotalSeconds:F2} s"
                      + (denoise > 0f ? $"; {DescribeNoise(session.Stills.LastNoise)}" : "");
        return note;
    }

    /// <summary>The noise the denoise worked against, in 8-bit levels at a dark and a mid luma.</summary>
    private static string DescribeNoise(NoiseModel noise) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"noise {255 * noise.Sigma(0.1f):F2} levels at luma 0.1, {255 * noise.Sigma(0.5f):F2} at 0.5");

    /// <summary>The photo's layout, asked of the session's model's plan for stills (the model itself: photos run the session they are given).</summary>
    private FrameLayout Layout(int width, int height) => new FramePlan(session.Model, Student: null, quality, fastLongSide) { Stills = true }.LayoutFor(width, height);
}
