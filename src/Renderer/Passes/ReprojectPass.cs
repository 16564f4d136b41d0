using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Temporal smoothing that follows motion (shaders/reproject.comp): the average light map fetched
/// from where each pixel was a frame ago, clamped to the new map's neighbourhood, blended with it
/// (the new map itself fetched through a motion field where it belongs to an earlier frame).
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class ReprojectPass(VkComputeDevice device)
    : ShaderPass<ReprojectPush>(device, ShaderBinaries.Reproject, 5, (16, 16), "reproject")
{
    /// <param name="current">The new light map: W·H floats.</param>
    /// <param name="history">The average so far: W·H floats (read only).</param>
    /// <param name="motion">2·w·h floats, (dx, dy) per motion pixel: where each pixel was in the previous frame, in motion pixels.</param>
    /// <param name="blended">W·H floats: the new average (copied over the history afterwards).</param>
    /// <param name="mapMotion">As <paramref name="motion"/>: where each pixel was when the new map's frame was taken (read with <see cref="ReprojectPush.MapMoved"/>).</param>
    public VkComputePass<ReprojectPush>.VkBindingSet Bind(IVkStorageBuffer current, IVkStorageBuffer history, IVkStorageBuffer motion, IVkStorageBuffer blended,
        IVkStorageBuffer mapMotion) =>
        BindBuffers(current, history, motion, blended, mapMotion);

    protected override (uint Width, uint Height) Invocations(in ReprojectPush push) => (push.Width, push.Height);
}
