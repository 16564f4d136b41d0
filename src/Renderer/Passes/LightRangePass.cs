using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// The bounds an upsampled light map is kept within (shaders/light_range.comp), found on the GPU from
/// the network's light map: lo = max(min·0.5, 1e-3), hi = max(max(max, 0)·1.5, 1e-3) (NaN ignored, lo at
/// most hi), into two floats.
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class LightRangePass(VkComputeDevice device) : IDisposable
{
    /// <summary>Bytes of the range buffer: lo, then hi.</summary>
    public const ulong RangeBytes = 2 * sizeof(float);

    private readonly VkComputePass<LightRangePush> _pass = new(device, ShaderBinaries.LightRange, 2, (256, 1), "light range");

    public VkComputePass<LightRangePush>.VkBindingSet Bind(IVkStorageBuffer lightMap, IVkStorageBuffer range) => _pass.Bind(lightMap, range);

    /// <summary>One work group strides over the whole map (the shader reduces within it).</summary>
    public void Record(CommandBuffer commandBuffer, VkComputePass<LightRangePush>.VkBindingSet bindings, in LightRangePush push) =>
        _pass.Record(commandBuffer, bindings, push, 1, 1);

    public void Dispose() => _pass.Dispose();
}
