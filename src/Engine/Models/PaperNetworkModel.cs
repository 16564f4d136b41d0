using ClipLit.Engine.Gpu;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Models;

/// <summary>
/// The paper's enhancement network with weights from a checkpoint (.pth, or an .onnx file read as
/// the weights of that architecture): exact on any size, tiled under a memory budget.
/// Thread-safety: immutable (as every <see cref="LightMapModel"/>).
/// </summary>
public sealed class PaperNetworkModel(EnhancementWeights weights) : LightMapModel
{
    public EnhancementWeights Weights { get; } = weights;

    public override string Source => Weights.Source;

    public override ILightMapEstimator OpenEstimator(EnhancerOptions options) => new LightMapEstimator(Weights, options);

    public override CudaImportedTensors OpenCudaTensors(VkComputeDevice device, bool? allowTf32 = null, string? profilePrefix = null) =>
        new CudaImportedTensors(Weights, device, allowTf32 ?? LightMapEstimator.Tf32ByDefault, profilePrefix);

    public override FrameLayout LayoutFor(int width, int height, EnhanceQuality quality, int fastLongSide = FrameLayout.DefaultFastLongSide,
        UpsampleMode upsample = UpsampleMode.EdgeAware, bool still = false) =>
        FrameLayout.For(width, height, quality, fastLongSide, upsample);
}
