namespace ClipLit.Trainer.Clip;

/// <summary>
/// OpenAI's CLIP in TorchSharp, with its state-dict names: an image encoder (ViT or ModifiedResNet)
/// and the text transformer, as CLIP-LIT uses them. Text can be encoded from token ids or from
/// given token embeddings (learned prompts), the end-of-text position being the argmax of the ids.
/// Loaded models are frozen: eval mode and no gradients to CLIP's weights, while gradients still
/// flow through it to images and prompt embeddings.
/// Thread-safety: not thread-safe. Ownership: owns its parameters; Dispose releases them.
/// </summary>
public sealed class ClipModel : Module<Tensor, Tensor>
{
    /// <summary>CLIP's image normalization (mean, std per RGB channel).</summary>
    public static readonly float[] ImageMean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] ImageStd = [0.26862954f, 0.26130258f, 0.27577711f];

    [ComponentName(Name = "visual")] private readonly Module<Tensor, Tensor> _visual;
    [ComponentName(Name = "transformer")] private readonly ClipTransformer _transformer;
    [ComponentName(Name = "token_embedding")] private readonly Embedding _tokenEmbedding;
    [ComponentName(Name = "positional_embedding")] private readonly Parameter _positions;
    [ComponentName(Name = "ln_final")] private readonly LayerNorm _finalNorm;
    [ComponentName(Name = "text_projection")] private readonly Parameter _textProjection;
    [ComponentName(Name = "logit_scale")] private readonly Parameter _logitScale;

    public ClipModel(ClipArchitecture architecture) : base("CLIP")
    {
        Architecture = architecture;
        _visual = architecture.IsVisionTransformer ? new ClipVisionTransformer(architecture) : new ClipModifiedResNet(architecture);
        _transformer = new ClipTransformer(architecture.TransformerWidth, architecture.TransformerLayers, architecture.TransformerHeads, causal: true);
        _tokenEmbedding = Embedding(architecture.VocabularySize, architecture.TransformerWidth);
        _positions = new Parameter(zeros(architecture.ContextLength, architecture.TransformerWidth));
        _finalNorm = LayerNorm(architecture.TransformerWidth);
        _textProjection = new Parameter(zeros(architecture.TransformerWidth, architecture.EmbedDim));
        _logitScale = new Parameter(tensor(MathF.Log(1 / 0.07f)));
        RegisterComponents();
    }

    public ClipArchitecture Architecture { get; }

    /// <summary>exp(logit_scale): 100 for OpenAI's models.</summary>
    public Tensor LogitScale => _logitScale.exp();

    /// <summary>Images in [0, 1] (N x 3 x H x W) to CLIP's input: bilinear resize to its resolution (no antialiasing, as torchvision 0.14 on tensors) and normalization.</summary>
    public Tensor Preprocess(Tensor images01)
    {
        using var scope = NewDisposeScope();
        long size = Architecture.ImageResolution;
        var resized = functional.interpolate(images01, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        var mean = tensor(ImageMean, device: images01.device).to(images01.dtype).reshape(1, 3, 1, 1);
        var std = tensor(ImageStd, device: images01.device).to(images01.dtype).reshape(1, 3, 1, 1);
        return ((resized - mean) / std).MoveToOuterDisposeScope();
    }

    /// <summary>Preprocessed images → N x embed (not normalized).</summary>
    public Tensor EncodeImage(Tensor images) => _visual.forward(images);

    /// <summary>The ModifiedResNet's embedding and its stem and four stage outputs (the reconstruction loss's features).</summary>
    /// <exception cref="InvalidOperationException">A ViT model (it has no stages).</exception>
    public (Tensor Embedding, Tensor[] Stages) ImageFeatures(Tensor images) =>
        _visual is ClipModifiedResNet resnet ? resnet.Features(images)
            : throw new InvalidOperationException("stage features need a ModifiedResNet CLIP (e.g. RN101); this one is a ViT");

    /// <summary>Token ids (N x context, int64) → their embeddings N x context x width (the start of a learned prompt).</summary>
    public Tensor EmbedTokens(Tensor tokens) => _tokenEmbedding.forward(tokens);

    /// <summary>Token ids → N x embed text features (not normalized).</summary>
    public Tensor EncodeText(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        return EncodePrompts(_tokenEmbedding.forward(tokens), tokens).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Token embeddings (N x context x width; learned prompts) → N x embed text features, read at
    /// the end-of-text position of <paramref name="tokens"/> (its argmax; one row serves all prompts).
    /// </summary>
    public Tensor EncodePrompts(Tensor embeddings, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = _transformer.forward(embeddings + _positions);
        x = _finalNorm.forward(x);
        var end = tokens.argmax(-1);
        if (end.shape[0] != x.shape[0]) end = end.expand(x.shape[0]);
        var atEnd = x[arange(x.shape[0], device: x.device), end];
        return matmul(atEnd, _textProjection).MoveToOuterDisposeScope();
    }

    /// <summary>CLIP's own logits: scale · cos(image, text), N_images x N_texts.</summary>
    public Tensor LogitsPerImage(Tensor images, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var image = functional.normalize(EncodeImage(images), dim: -1);
        var text = functional.normalize(EncodeText(tokens), dim: -1);
        return (LogitScale * matmul(image, text.t())).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor images) => EncodeImage(images);

    /// <summary>Eval mode and no gradients to CLIP's own weights (gradients still reach its inputs).</summary>
    public ClipModel Freeze()
    {
        eval();
        foreach (var parameter in parameters()) parameter.requires_grad = false;
        return this;
    }
}
