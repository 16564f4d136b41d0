using ClipLit.Engine.Models;
using ClipLit.Inference.Cuda;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// The tensors the frame engine uses, and when they are not the zero-copy ones though the network
/// runs on CUDA, why not (for the log line and the heads-up display).
/// Thread-safety: immutable (the tensors are thread-safe: <see cref="IEnhancerTensors"/>); the static methods keep no state.
/// </summary>
/// <param name="Tensors">The chosen implementation; the caller owns it (it is the caller's host-mapped tensors on a fallback).</param>
/// <param name="FallbackReason">Null when nothing fell back (CUDA zero-copy, or the network was meant for the CPU).</param>
public sealed record EnhancerTensorsChoice(IEnhancerTensors Tensors, string? FallbackReason)
{
    /// <summary>
    /// A Vulkan device that exports memory when <paramref name="share"/> (what the zero-copy path
    /// needs), else or when that fails, a plain one; <paramref name="problem"/> says why sharing failed.
    /// </summary>
    /// <exception cref="VulkanException">No Vulkan device at all.</exception>
    public static VkComputeDevice SharingDevice(VkDeviceOptions options, bool share, out string? problem)
    {
        problem = null;
        if (!share) return new VkComputeDevice(options);
        try
        {
            return new VkComputeDevice(options with { ExternalMemory = true });
        }
        catch (VulkanException e)
        {
            problem = $"Vulkan device that exports memory: {e.Message}";
            return new VkComputeDevice(options);
        }
    }

    /// <summary>
    /// CUDA-imported tensors when <paramref name="tryCuda"/> and every link works (at
    /// <paramref name="networkSize"/> too, when given: the network is run once at that size); else
    /// <paramref name="hostMapped"/> (the caller's), with the first broken link as the reason. Never
    /// throws for a broken link: the CPU path always works.
    /// </summary>
    public static EnhancerTensorsChoice Open(LightMapModel model, IEnhancerTensors hostMapped, VkComputeDevice device, bool tryCuda,
        (int Width, int Height)? networkSize = null, string? profilePrefix = null, bool? allowTf32 = null)
    {
        if (!tryCuda) return new EnhancerTensorsChoice(hostMapped, null);
        IEnhancerTensors? cuda = null;
        try
        {
            cuda = model.OpenCudaTensors(device, allowTf32, profilePrefix);
            if (networkSize is { } size) cuda.Prepare(size.Width, size.Height);
            return new EnhancerTensorsChoice(cuda, null);
        }
        catch (Exception e) when (IsBrokenLink(e))
        {
            cuda?.Dispose();
            return new EnhancerTensorsChoice(hostMapped, e.Message);
        }
    }

    /// <summary>What a broken link of the CUDA chain throws (anything else is a bug and propagates).</summary>
    public static bool IsBrokenLink(Exception e) =>
        e is CudaException or VulkanException or OnnxRuntimeException or InferenceException or DllNotFoundException or EntryPointNotFoundException;
}
