using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Pre-process (shaders/unpack.comp): an RGBA frame (8 or 16 bits per channel, read as
/// shaders/frame_pixels.glsl says) to planar float RGB in [0, 1], the network's NCHW input.
/// CPU reference: <c>PlanarConversion.ToPlanar</c> (the tests hold the two equal).
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class UnpackPass(VkComputeDevice device)
    : ShaderPass<FrameFormat>(device, ShaderBinaries.Unpack, 3, (16, 16), "unpack")
{
    /// <param name="frame">W·H uints (RGBA8) or 2·W·H (16 bits per channel).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="planar">3·W·H floats.</param>
    public VkComputePass<FrameFormat>.VkBindingSet Bind(IVkStorageBuffer frame, Unit8Table table, IVkStorageBuffer planar) =>
        BindBuffers(frame, table.Buffer, planar);

    protected override (uint Width, uint Height) Invocations(in FrameFormat push) => (push.Width, push.Height);
}
