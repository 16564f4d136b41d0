using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// The bounds an upsampled light map is kept within (shaders/light_range.comp), found on the GPU from
/// the network's light map: lo = max(min·0.5, 1e-3), hi = max(max(max, 0)·1.5, 1e-3) (NaN ignored, lo at
/// most hi), into two floats.
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class LightRangePass(VkComputeDevice device)
    : ShaderPass<LightRangePush>(device, ShaderBinaries.LightRange, 2, (256, 1), "light range")
{
    /// <summary>Bytes of the range buffer: lo, then hi.</summary>
    public const ulong RangeBytes = 2 * sizeof(float);

    public VkComputePass<LightRangePush>.VkBindingSet Bind(IVkStorageBuffer lightMap, IVkStorageBuffer range) => BindBuffers(lightMap, range);

    /// <summary>One work group strides over the whole map (the shader reduces within it).</summary>
    protected override (uint Width, uint Height) Invocations(in LightRangePush push) => (1, 1);
}
