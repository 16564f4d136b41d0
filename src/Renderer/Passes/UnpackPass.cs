using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Pre-process (shaders/unpack.comp): an RGBA frame (8 or 16 bits per channel, read as
/// shaders/frame_pixels.glsl says) to planar float RGB in [0, 1], the network's NCHW input.
/// CPU reference: <c>PlanarConversion.ToPlanar</c> (the tests hold the two equal).
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class UnpackPass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<FrameFormat> _pass = new(device, ShaderBinaries.Unpack, 3, (16, 16), "unpack");

    /// <param name="frame">W·H uints (RGBA8) or 2·W·H (16 bits per channel).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="planar">3·W·H floats.</param>
    public VkComputePass<FrameFormat>.VkBindingSet Bind(IVkStorageBuffer frame, Unit8Table table, IVkStorageBuffer planar) =>
        _pass.Bind(frame, table.Buffer, planar);

    public void Record(CommandBuffer commandBuffer, VkComputePass<FrameFormat>.VkBindingSet bindings, FrameFormat size) =>
        _pass.Record(commandBuffer, bindings, size, size.Width, size.Height);

    public void Dispose() => _pass.Dispose();
}
