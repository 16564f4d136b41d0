using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// What every pass of the frame path shares: one compute shader (<see cref="VkComputePass{TPush}"/>),
/// binding sets made from its buffers, and a record call whose dispatch covers the invocations the
/// push constants say (<see cref="Invocations"/>). A pass adds its typed Bind, which names its buffers.
/// Thread-safety: binding from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public abstract class ShaderPass<TPush> : IDisposable where TPush : unmanaged
{
    private readonly VkComputePass<TPush> _pass;

    /// <remarks>variants: the shader's variants (<see cref="VkComputePass{TPush}"/>); 1: it has none.</remarks>
    protected ShaderPass(VkComputeDevice device, ReadOnlySpan<byte> spirv, int bufferCount, (uint X, uint Y) localSize, string name, int variants = 1) =>
        _pass = new VkComputePass<TPush>(device, spirv, bufferCount, localSize, name, variants);

    public void Record(CommandBuffer commandBuffer, VkComputePass<TPush>.VkBindingSet bindings, in TPush push, int variant = 0)
    {
        var (width, height) = Invocations(push);
        _pass.Record(commandBuffer, bindings, push, width, height, variant);
    }

    public void Dispose()
    {
        _pass.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The shader's buffers, in binding order.</summary>
    protected VkComputePass<TPush>.VkBindingSet BindBuffers(params IVkStorageBuffer[] buffers) => _pass.Bind(buffers);

    /// <summary>The width x height invocations one dispatch covers for <paramref name="push"/>.</summary>
    protected abstract (uint Width, uint Height) Invocations(in TPush push);
}
