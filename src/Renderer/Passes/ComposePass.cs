using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Compose (shaders/compose.comp): out = floor(clamp(I / L, 0, 1)·M + 0.5) per RGB channel, M = 255
/// or 65535 for 8 or 16 bits per channel, with the input frame's alpha; the light map at the frame's size or brought up from the
/// network's. CPU reference: <c>PlanarConversion.Compose</c> + <c>ToRgba</c> (and the tests' <c>CpuReference.Upsample</c>).
/// Two variants: <see cref="Plain"/>, and <see cref="Denoising"/> with the gain-aware denoise compiled in
/// (spatial, and over time with the denoise history).
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class ComposePass(VkComputeDevice device)
    : ShaderPass<ComposePush>(device, ShaderBinaries.Compose, 7, (16, 16), "compose", variants: 2)
{
    /// <summary>The variant without the denoise (its push constants' noise is ignored).</summary>
    public const int Plain = 0;

    /// <summary>The variant with the denoise.</summary>
    public const int Denoising = 1;

    /// <param name="frame">The input frame: W·H uints (RGBA8) or 2·W·H (RGBA, 16 bits per channel).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="lightMap">W·H floats (<see cref="LightMode.FullSize"/>), the small light map (bilinear) or the mean a, b planes (edge-aware).</param>
    /// <param name="output">The same size and layout as <paramref name="frame"/>; may not be it.</param>
    /// <param name="range">Two floats, the bounds an upsampled light map is kept within (<see cref="LightRangePass"/>); unread at full size.</param>
    /// <param name="denoiseHistory">The denoise variant's history: two halves of 2·W·H words, the last frame's denoised input read from one, this frame's written to the other.</param>
    /// <param name="motion">The frame's motion field, which the history is fetched through (<see cref="FrameSlot.Motion"/>).</param>
    public VkComputePass<ComposePush>.VkBindingSet Bind(IVkStorageBuffer frame, Unit8Table table, IVkStorageBuffer lightMap, IVkStorageBuffer output, IVkStorageBuffer range,
        IVkStorageBuffer denoiseHistory, IVkStorageBuffer motion) =>
        BindBuffers(frame, table.Buffer, lightMap, output, range, denoiseHistory, motion);

    protected override (uint Width, uint Height) Invocations(in ComposePush push) => (push.Width, push.Height);
}
