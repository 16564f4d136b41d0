using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Temporal smoothing (shaders/temporal.comp): history = mix(history, current, weight), weight 1
/// restarting it.
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class TemporalPass(VkComputeDevice device)
    : ShaderPass<TemporalPush>(device, ShaderBinaries.Temporal, 2, (256, 1), "temporal")
{
    public VkComputePass<TemporalPush>.VkBindingSet Bind(IVkStorageBuffer current, IVkStorageBuffer history) => BindBuffers(current, history);

    protected override (uint Width, uint Height) Invocations(in TemporalPush push) => (push.Count, 1);
}
