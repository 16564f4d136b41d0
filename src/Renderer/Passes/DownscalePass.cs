using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Fast-mode pre-process (shaders/downscale.comp): an RGBA frame (8 or 16 bits per channel) to four planar float planes at
/// the network's size, cell means (PyTorch's adaptive-pooling cells) of R, G, B and of the guidance
/// max(R, G, B).
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class DownscalePass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<DownscalePush> _pass = new(device, ShaderBinaries.Downscale, 3, (16, 16), "downscale");

    /// <param name="frame">W·H uints (RGBA8) or 2·W·H (16 bits per channel).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="small">4·w·h floats: R, G, B, guidance planes.</param>
    public VkComputePass<DownscalePush>.VkBindingSet Bind(IVkStorageBuffer frame, Unit8Table table, IVkStorageBuffer small) =>
        _pass.Bind(frame, table.Buffer, small);

    public void Record(CommandBuffer commandBuffer, VkComputePass<DownscalePush>.VkBindingSet bindings, in DownscalePush push) =>
        _pass.Record(commandBuffer, bindings, push, push.SmallWidth, push.SmallHeight);

    public void Dispose() => _pass.Dispose();
}
