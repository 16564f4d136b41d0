using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Edge-aware upsampling, step 1 (shaders/guided_coefficients.comp): the guided filter's a and b at
/// the network's size from the small guidance plane and light map.
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class GuidedCoefficientsPass(VkComputeDevice device)
    : ShaderPass<GuidedCoefficientsPush>(device, ShaderBinaries.GuidedCoefficients, 3, (16, 16), "guided coefficients")
{
    /// <param name="small">The downscale pass's four planes (guidance is the fourth).</param>
    /// <param name="lightMap">w·h floats.</param>
    /// <param name="coefficients">2·w·h floats: a, then b.</param>
    public VkComputePass<GuidedCoefficientsPush>.VkBindingSet Bind(IVkStorageBuffer small, IVkStorageBuffer lightMap, IVkStorageBuffer coefficients) =>
        BindBuffers(small, lightMap, coefficients);

    protected override (uint Width, uint Height) Invocations(in GuidedCoefficientsPush push) => (push.Width, push.Height);
}
