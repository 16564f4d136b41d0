using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Window means of small planes (shaders/box_mean.comp): the guided filter's averaging of a and b.
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class BoxMeanPass(VkComputeDevice device)
    : ShaderPass<BoxMeanPush>(device, ShaderBinaries.BoxMean, 2, (16, 16), "box mean")
{
    public VkComputePass<BoxMeanPush>.VkBindingSet Bind(IVkStorageBuffer source, IVkStorageBuffer target) => BindBuffers(source, target);

    protected override (uint Width, uint Height) Invocations(in BoxMeanPush push) => (push.Width, push.Height);
}
