using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Window means of small planes (shaders/box_mean.comp): the guided filter's averaging of a and b.
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class BoxMeanPass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<BoxMeanPush> _pass = new(device, ShaderBinaries.BoxMean, 2, (16, 16), "box mean");

    public VkComputePass<BoxMeanPush>.VkBindingSet Bind(IVkStorageBuffer source, IVkStorageBuffer target) => _pass.Bind(source, target);

    public void Record(CommandBuffer commandBuffer, VkComputePass<BoxMeanPush>.VkBindingSet bindings, in BoxMeanPush push) =>
        _pass.Record(commandBuffer, bindings, push, push.Width, push.Height);

    public void Dispose() => _pass.Dispose();
}
