using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Compose (shaders/compose.comp): out = floor(clamp(I / L, 0, 1)·255 + 0.5) per RGB channel with
/// the input frame's alpha. CPU reference: <c>PlanarConversion.Compose</c> + <c>ToRgba</c>.
/// Ownership: owns its pipeline.
/// </summary>
public sealed class ComposePass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<FrameSize> _pass = new(device, ShaderBinaries.Compose, 4, (16, 16), "compose");

    /// <param name="frame">The input frame, W·H uints (RGBA8).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="lightMap">W·H floats.</param>
    /// <param name="output">W·H uints (RGBA8); may not be <paramref name="frame"/>.</param>
    public VkComputePass<FrameSize>.VkBindingSet Bind(VkHostBuffer frame, Unit8Table table, VkHostBuffer lightMap, VkHostBuffer output) =>
        _pass.Bind(frame, table.Buffer, lightMap, output);

    public void Record(CommandBuffer commandBuffer, VkComputePass<FrameSize>.VkBindingSet bindings, FrameSize size) =>
        _pass.Record(commandBuffer, bindings, size, size.Width, size.Height);

    public void Dispose() => _pass.Dispose();
}
