using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// The network input's luminance thumbnail (shaders/thumbnail.comp): a 32x18 grid of Rec. 709 means,
/// what scene-cut detection compares from frame to frame, computed on the GPU so the host never reads
/// the network's input.
/// Thread-safety: as <see cref="VkComputePass{TPush}"/>: Bind from any thread; recording follows the command buffer's rules.
/// Ownership: owns its pipeline; Dispose frees it (safe twice).
/// </summary>
public sealed class ThumbnailPass(VkComputeDevice device) : IDisposable
{
    public const int Columns = 32;
    public const int Rows = 18;

    private readonly VkComputePass<ThumbnailPush> _pass = new(device, ShaderBinaries.Thumbnail, 2, (64, 1), "thumbnail");

    /// <param name="planar">The network's input: R, G, B planes (any planes after them are not read).</param>
    /// <param name="thumbnail">Columns·Rows floats, row by row.</param>
    public VkComputePass<ThumbnailPush>.VkBindingSet Bind(IVkStorageBuffer planar, IVkStorageBuffer thumbnail) => _pass.Bind(planar, thumbnail);

    /// <summary>One work group of 64 per cell (the shader reduces within it).</summary>
    public void Record(CommandBuffer commandBuffer, VkComputePass<ThumbnailPush>.VkBindingSet bindings, in ThumbnailPush push) =>
        _pass.Record(commandBuffer, bindings, push, Columns * 64, Rows);

    public void Dispose() => _pass.Dispose();
}
