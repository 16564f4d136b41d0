using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine;

/// <summary>
/// Enhances one 8-bit RGBA photo through the same Vulkan stages as video frames (full quality, no
/// temporal average): upload into a frame slot, pre-process shader, network in place on the mapped
/// buffers, compose shader. Photos and video share one implementation of the per-pixel maths.
/// Thread-safety: one photo at a time. Ownership: does not own the device or the estimator.
/// </summary>
public sealed class PhotoRenderer(VkComputeDevice device, LightMapEstimator estimator)
{
    /// <summary>Replaces <paramref name="rgba"/> (4·W·H bytes) with the enhanced photo; alpha is kept.</summary>
    public void Enhance(Span<byte> rgba, int width, int height, CancellationToken cancellation)
    {
        var layout = FrameLayout.For(width, height, EnhanceQuality.Full);
        using var renderer = new FrameRenderer(device, layout, slotCount: 1);
        var slot = renderer.Slots[0];
        rgba.CopyTo(slot.InputBytes.Span);
        renderer.PreProcess(slot);
        estimator.Estimate(slot.NetworkInput, height, width, slot.NetworkLightMap, cancellation: cancellation);
        slot.TemporalWeight = 1f;
        renderer.Compose(slot);
        slot.OutputBytes.Span.CopyTo(rgba);
    }
}
