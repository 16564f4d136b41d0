using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Pre-process (shaders/unpack.comp): an RGBA8 frame (one uint per pixel) to planar float RGB in
/// [0, 1], the network's NCHW input, through the exact 8-bit table. CPU reference:
/// <c>PlanarConversion.ToPlanar</c> (the tests hold the two equal).
/// Ownership: owns its pipeline.
/// </summary>
public sealed class UnpackPass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<FrameSize> _pass = new(device, ShaderBinaries.Unpack, 3, (16, 16), "unpack");

    /// <param name="frame">W·H uints (RGBA8).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="planar">3·W·H floats.</param>
    public VkComputePass<FrameSize>.VkBindingSet Bind(VkHostBuffer frame, Unit8Table table, VkHostBuffer planar) =>
        _pass.Bind(frame, table.Buffer, planar);

    public void Record(CommandBuffer commandBuffer, VkComputePass<FrameSize>.VkBindingSet bindings, FrameSize size) =>
        _pass.Record(commandBuffer, bindings, size, size.Width, size.Height);

    public void Dispose() => _pass.Dispose();
}
