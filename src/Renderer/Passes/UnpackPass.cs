using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Pre-process (shaders/unpack.comp): an RGBA8 frame to planar float RGB in [0, 1], the network's
/// NCHW input. CPU reference: <see cref="ClipLit.Renderer.Passes.CpuReference.Unpack"/>.
/// Ownership: owns its pipeline.
/// </summary>
public sealed class UnpackPass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<FrameSize> _pass = new(device, ShaderBinaries.Unpack, 3, (16, 16), "unpack");

    /// <summary>Binds frame (RGBA8, one uint per pixel), table and planar output (3·W·H floats).</summary>
    public VkComputePass<FrameSize>.VkBindingSet Bind(VkHostBuffer frame, Unit8Table table, VkHostBuffer planar) =>
        _pass.Bind(frame.Handle.Handle != 0 ? frame : throw new ArgumentException("frame"), table.Buffer, planar);

    public void Record(CommandBuffer commandBuffer, VkComputePass<FrameSize>.VkBindingSet bindings, FrameSize size) =>
        _pass.Record(commandBuffer, bindings, size, size.Width, size.Height);

    public void Dispose() => _pass.Dispose();
}
