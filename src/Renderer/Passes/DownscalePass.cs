using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Fast-mode pre-process (shaders/downscale.comp): an RGBA frame (8 or 16 bits per channel) to four planar float planes at
/// the network's size, cell means (PyTorch's adaptive-pooling cells) of R, G, B and of the guidance
/// max(R, G, B).
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class DownscalePass(VkComputeDevice device)
    : ShaderPass<DownscalePush>(device, ShaderBinaries.Downscale, 3, (16, 16), "downscale")
{
    /// <param name="frame">W·H uints (RGBA8) or 2·W·H (16 bits per channel).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="small">4·w·h floats: R, G, B, guidance planes.</param>
    public VkComputePass<DownscalePush>.VkBindingSet Bind(IVkStorageBuffer frame, Unit8Table table, IVkStorageBuffer small) =>
        BindBuffers(frame, table.Buffer, small);

    protected override (uint Width, uint Height) Invocations(in DownscalePush push) => (push.SmallWidth, push.SmallHeight);
}
