using ClipLit.Renderer.Shaders;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// The network input's luminance thumbnail (shaders/thumbnail.comp): a 32x18 grid of Rec. 709 means,
/// what scene-cut detection compares from frame to frame, computed on the GPU so the host never reads
/// the network's input.
/// Thread-safety and ownership: as <see cref="ShaderPass{TPush}"/>.
/// </summary>
public sealed class ThumbnailPass(VkComputeDevice device)
    : ShaderPass<ThumbnailPush>(device, ShaderBinaries.Thumbnail, 2, (64, 1), "thumbnail")
{
    public const int Columns = 32;
    public const int Rows = 18;

    /// <param name="planar">The network's input: R, G, B planes (any planes after them are not read).</param>
    /// <param name="thumbnail">Columns·Rows floats, row by row.</param>
    public VkComputePass<ThumbnailPush>.VkBindingSet Bind(IVkStorageBuffer planar, IVkStorageBuffer thumbnail) => BindBuffers(planar, thumbnail);

    /// <summary>One work group of 64 per cell (the shader reduces within it).</summary>
    protected override (uint Width, uint Height) Invocations(in ThumbnailPush push) => (Columns * 64, Rows);
}
