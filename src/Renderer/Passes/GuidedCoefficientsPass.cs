using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Edge-aware upsampling, step 1 (shaders/guided_coefficients.comp): the guided filter's a and b at
/// the network's size from the small guidance plane and light map.
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class GuidedCoefficientsPass(VkComputeDevice device) : IDisposable
{
    private readonly VkComputePass<GuidedCoefficientsPush> _pass = new(device, ShaderBinaries.GuidedCoefficients, 3, (16, 16), "guided coefficients");

    /// <param name="small">The downscale pass's four planes (guidance is the fourth).</param>
    /// <param name="lightMap">w·h floats.</param>
    /// <param name="coefficients">2·w·h floats: a, then b.</param>
    public VkComputePass<GuidedCoefficientsPush>.VkBindingSet Bind(IVkStorageBuffer small, IVkStorageBuffer lightMap, IVkStorageBuffer coefficients) =>
        _pass.Bind(small, lightMap, coefficients);

    public void Record(CommandBuffer commandBuffer, VkComputePass<GuidedCoefficientsPush>.VkBindingSet bindings, in GuidedCoefficientsPush push) =>
        _pass.Record(commandBuffer, bindings, push, push.Width, push.Height);

    public void Dispose() => _pass.Dispose();
}
