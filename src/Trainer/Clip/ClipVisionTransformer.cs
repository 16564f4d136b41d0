namespace ClipLit.Trainer.Clip;

/// <summary>
/// CLIP's ViT image encoder: patches by a strided convolution, a class token, positions, ln_pre,
/// the transformer, ln_post on the class token, projection to the embedding.
/// </summary>
public sealed class ClipVisionTransformer : Module<Tensor, Tensor>
{
    [ComponentName(Name = "conv1")] private readonly Conv2d _patches;
    [ComponentName(Name = "class_embedding")] private readonly Parameter _classEmbedding;
    [ComponentName(Name = "positional_embedding")] private readonly Parameter _positions;
    [ComponentName(Name = "ln_pre")] private readonly LayerNorm _preNorm;
    [ComponentName(Name = "transformer")] private readonly ClipTransformer _transformer;
    [ComponentName(Name = "ln_post")] private readonly LayerNorm _postNorm;
    [ComponentName(Name = "proj")] private readonly Parameter _projection;

    public ClipVisionTransformer(ClipArchitecture arch) : base("visual")
    {
        int width = arch.VisionWidth, patch = arch.VisionPatchSize!.Value, grid = arch.ImageResolution / patch;
        _patches = Conv2d(3, width, kernel_size: patch, stride: patch, bias: false);
        _classEmbedding = new Parameter(zeros(width));
        _positions = new Parameter(zeros(grid * grid + 1, width));
        _preNorm = LayerNorm(width);
        _transformer = new ClipTransformer(width, arch.VisionLayers[0], arch.VisionHeads, causal: false);
        _postNorm = LayerNorm(width);
        _projection = new Parameter(zeros(width, arch.EmbedDim));
        RegisterComponents();
    }

    /// <summary>N x 3 x R x R (CLIP-normalized) → N x embed.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = _patches.forward(x);
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1);
        var cls = _classEmbedding.expand(x.shape[0], 1, x.shape[2]);
        x = cat([cls, x], 1) + _positions;
        x = _transformer.forward(_preNorm.forward(x));
        x = _postNorm.forward(x[.., 0, ..]);
        return matmul(x, _projection).MoveToOuterDisposeScope();
    }
}
