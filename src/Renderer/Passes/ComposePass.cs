using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Compose (shaders/compose.comp): out = floor(clamp(I / L, 0, 1)·M + 0.5) per RGB channel, M = 255
/// or 65535 for 8 or 16 bits per channel, with the input frame's alpha; the light map at the frame's size or brought up from the
/// network's. CPU reference: <c>PlanarConversion.Compose</c> + <c>ToRgba</c> (and the tests' <c>CpuReference.Upsample</c>).
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class ComposePass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<ComposePush> _pass = new(device, ShaderBinaries.Compose, 5, (16, 16), "compose");

    /// <param name="frame">The input frame: W·H uints (RGBA8) or 2·W·H (RGBA, 16 bits per channel).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="lightMap">W·H floats (<see cref="LightMode.FullSize"/>), the small light map (bilinear) or the mean a, b planes (edge-aware).</param>
    /// <param name="output">The same size and layout as <paramref name="frame"/>; may not be it.</param>
    /// <param name="range">Two floats, the bounds an upsampled light map is kept within (<see cref="LightRangePass"/>); unread at full size.</param>
    public VkComputePass<ComposePush>.VkBindingSet Bind(IVkStorageBuffer frame, Unit8Table table, IVkStorageBuffer lightMap, IVkStorageBuffer output, IVkStorageBuffer range) =>
        _pass.Bind(frame, table.Buffer, lightMap, output, range);

    public void Record(CommandBuffer commandBuffer, VkComputePass<ComposePush>.VkBindingSet bindings, ComposePush push) =>
        _pass.Record(commandBuffer, bindings, push, push.Width, push.Height);

    public void Dispose() => _pass.Dispose();
}
