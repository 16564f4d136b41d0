using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Temporal smoothing (shaders/temporal.comp): history = mix(history, current, weight), weight 1
/// restarting it.
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class TemporalPass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<TemporalPush> _pass = new(device, ShaderBinaries.Temporal, 2, (256, 1), "temporal");

    public VkComputePass<TemporalPush>.VkBindingSet Bind(IVkStorageBuffer current, IVkStorageBuffer history) => _pass.Bind(current, history);

    public void Record(CommandBuffer commandBuffer, VkComputePass<TemporalPush>.VkBindingSet bindings, in TemporalPush push) =>
        _pass.Record(commandBuffer, bindings, push, push.Count, 1);

    public void Dispose() => _pass.Dispose();
}
