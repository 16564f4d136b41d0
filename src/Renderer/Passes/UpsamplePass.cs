using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>How the light map predicted at the network's size reaches the frame's size.</summary>
public enum UpsampleMode : uint
{
    /// <summary>Bilinear interpolation of the light map: smooth, but halos at silhouettes.</summary>
    Bilinear = 0,

    /// <summary>Fast guided filter guided by the full-resolution frame: light-map edges follow the frame's.</summary>
    EdgeAware = 1,
}

/// <summary>
/// Light-map upsampling (shaders/upsample.comp), bilinear or edge-aware (step 2 of the guided
/// filter). Ownership: owns its pipeline.
/// </summary>
public sealed class UpsamplePass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<UpsamplePush> _pass = new(device, ShaderBinaries.Upsample, 4, (16, 16), "upsample");

    /// <param name="frame">The full-size frame (guidance for the edge-aware mode).</param>
    /// <param name="table">The 8-bit table.</param>
    /// <param name="small">Bilinear: the small light map; edge-aware: the guided coefficients (a, b planes).</param>
    /// <param name="full">W·H floats.</param>
    public VkComputePass<UpsamplePush>.VkBindingSet Bind(VkHostBuffer frame, Unit8Table table, VkHostBuffer small, VkHostBuffer full) =>
        _pass.Bind(frame, table.Buffer, small, full);

    public void Record(CommandBuffer commandBuffer, VkComputePass<UpsamplePush>.VkBindingSet bindings, in UpsamplePush push) =>
        _pass.Record(commandBuffer, bindings, push, push.Width, push.Height);

    public void Dispose() => _pass.Dispose();
}
