using System.Runtime.InteropServices;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine;

/// <summary>
/// Enhances one RGBA still (8 or 16 bits per channel) through the same Vulkan stages as video frames (no temporal
/// average): upload into a frame slot, pre-process shader, network in place on the mapped
/// buffers, compose shader. Photos and video share one implementation of the per-pixel maths; fast
/// layouts let benchmarks compare fast quality with full on stills.
/// Thread-safety: one image at a time. Ownership: does not own the device or the estimator.
/// </summary>
public sealed class PhotoRenderer(VkComputeDevice device, LightMapEstimator estimator)
{
    /// <summary>Replaces <paramref name="rgba"/> (4·W·H bytes) with the enhanced image in full quality; alpha is kept.</summary>
    public void Enhance(Span<byte> rgba, int width, int height, CancellationToken cancellation) =>
        Enhance(rgba, FrameLayout.For(width, height, EnhanceQuality.Full), cancellation);

    /// <summary>Replaces <paramref name="rgba"/> (4·W·H 16-bit words) with the enhanced image in full quality, at 16-bit precision; alpha is kept.</summary>
    public void Enhance(Span<ushort> rgba, int width, int height, CancellationToken cancellation) =>
        Enhance(MemoryMarshal.AsBytes(rgba), FrameLayout.For(width, height, EnhanceQuality.Full) with { BitsPerChannel = 16 }, cancellation);

    /// <summary>
    /// Replaces <paramref name="rgba"/> (<see cref="FrameLayout.FrameBytes"/> bytes at the layout's bits per channel)
    /// with the image enhanced as <paramref name="layout"/> says (full or fast quality).
    /// </summary>
    public void Enhance(Span<byte> rgba, FrameLayout layout, CancellationToken cancellation)
    {
        if (rgba.Length != layout.FrameBytes)
            throw new ArgumentException($"{rgba.Length} bytes for a {layout.Width}x{layout.Height} frame of {layout.FrameBytes}", nameof(rgba));
        using var renderer = new FrameRenderer(device, layout, slotCount: 1);
        var slot = renderer.Slots[0];
        rgba.CopyTo(slot.InputBytes.Span);
        renderer.PreProcess(slot);
        estimator.Estimate(slot.NetworkInput, layout.NetworkHeight, layout.NetworkWidth, slot.NetworkLightMap, cancellation: cancellation);
        slot.TemporalWeight = 1f;
        renderer.Compose(slot);
        slot.OutputBytes.Span.CopyTo(rgba);
    }
}
