using System.Security.Cryptography;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Models;

/// <summary>
/// A model the engine runs on frames: an RGB image in, a one-channel light map out (the output is
/// clamp(I / L, 0, 1)). Each kind says how it runs on host memory and on memory CUDA imports from
/// Vulkan, and what size of input it takes for a frame; everything else (photos, videos, the live
/// view, hot reload, side by side, benchmarks) reaches it through <see cref="EnhancerSession"/> only.
/// Kinds: the paper's network (<see cref="PaperNetworkModel"/>) and a distilled student
/// (<see cref="StudentModel"/>); a new kind is one more subclass and one more case in <see cref="ModelFile.Load"/>.
/// Thread-safety: immutable (the checksum is computed once). Ownership: what it opens belongs to the caller.
/// </summary>
public abstract class LightMapModel
{
    private readonly Lazy<string> _sha256;

    protected LightMapModel() => _sha256 = new Lazy<string>(() => FileSha256(Source));

    /// <summary>The file the model came from.</summary>
    public abstract string Source { get; }

    /// <summary>The file's name, for messages and the heads-up display.</summary>
    public string Name => Path.GetFileName(Source);

    /// <summary>SHA-256 of the model file (lower-case hex): how a student names its teacher.</summary>
    public string Sha256 => _sha256.Value;

    /// <summary>The network on host memory through ONNX Runtime (CPU, or CUDA with a copy each way).</summary>
    /// <exception cref="InvalidOperationException">CUDA was asked for explicitly and cannot be used.</exception>
    public abstract ILightMapEstimator OpenEstimator(EnhancerOptions options);

    /// <summary>The network on Vulkan device memory that CUDA imports (no copies through the host); proven by one run.</summary>
    /// <param name="device">A Vulkan device created to share memory.</param>
    /// <param name="allowTf32">Whether convolutions may round to TF32; null: the model's default (<see cref="EnhancerOptions.AllowTf32"/>).</param>
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles the runs into files with this prefix (benchmarks).</param>
    /// <exception cref="Exception">A broken link of the CUDA chain (<see cref="EnhancerTensorsChoice.IsBrokenLink"/>).</exception>
    public abstract CudaImportedTensors OpenCudaTensors(VkComputeDevice device, bool? allowTf32 = null, string? profilePrefix = null);

    /// <summary>
    /// The sizes a <paramref name="width"/> x <paramref name="height"/> frame runs at: the paper's
    /// network runs at full size in full quality and on a copy with a long side of
    /// <paramref name="fastLongSide"/> in fast quality; a student runs at its own scale, or on a
    /// <paramref name="still"/> photo at its still scale (<see cref="StudentModel.StillScale"/>).
    /// </summary>
    /// <param name="width">The source's width.</param>
    /// <param name="height">The source's height.</param>
    /// <param name="quality">Fast or full.</param>
    /// <param name="fastLongSide">The paper's network's input long side in fast quality.</param>
    /// <param name="upsample">The paper's network's upsampler in fast quality (a student's map is always bilinear).</param>
    /// <param name="still">A photo (one frame, no frame rate to keep) rather than a video's or camera's frame.</param>
    public abstract FrameLayout LayoutFor(int width, int height, EnhanceQuality quality, int fastLongSide = FrameLayout.DefaultFastLongSide,
        UpsampleMode upsample = UpsampleMode.EdgeAware, bool still = false);

    private static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
