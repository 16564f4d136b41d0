using ClipLit.Engine.Gpu;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Models;

/// <summary>
/// A model the engine runs on frames: an RGB image in, a one-channel light map out (the output is
/// clamp(I / L, 0, 1)). Each kind says how it runs on host memory and on memory CUDA imports from
/// Vulkan; everything else (photos, videos, the live view, hot reload, side by side, benchmarks)
/// reaches it through <see cref="EnhancerSession"/> only. Today's kind is the paper's network
/// (<see cref="PaperNetworkModel"/>); a new kind is one more subclass and one more case in
/// <see cref="ModelFile.Load"/>.
/// Thread-safety: immutable. Ownership: what it opens belongs to the caller.
/// </summary>
public abstract class LightMapModel
{
    /// <summary>The file the model came from.</summary>
    public abstract string Source { get; }

    /// <summary>The file's name, for messages and the heads-up display.</summary>
    public string Name => Path.GetFileName(Source);

    /// <summary>The network on host memory through ONNX Runtime (CPU, or CUDA with a copy each way).</summary>
    /// <exception cref="InvalidOperationException">CUDA was asked for explicitly and cannot be used.</exception>
    public abstract ILightMapEstimator OpenEstimator(EnhancerOptions options);

    /// <summary>The network on Vulkan device memory that CUDA imports (no copies through the host); proven by one run.</summary>
    /// <param name="device">A Vulkan device created to share memory.</param>
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles the runs into files with this prefix (benchmarks).</param>
    /// <exception cref="Exception">A broken link of the CUDA chain (<see cref="EnhancerTensorsChoice.IsBrokenLink"/>).</exception>
    public abstract IEnhancerTensors OpenCudaTensors(VkComputeDevice device, string? profilePrefix = null);
}
