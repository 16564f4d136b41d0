namespace ClipLit.Trainer.Clip;

/// <summary>
/// A CLIP model's sizes, inferred from its weights' shapes as OpenAI's <c>build_model</c> does, so
/// any CLIP (ViT-B/32, RN101, the tests' tiny ones) loads from its state dict alone.
/// <see cref="VisionLayers"/> holds one count for a ViT and four (per stage) for a ModifiedResNet.
/// </summary>
public sealed record ClipArchitecture(
    int EmbedDim,
    int ImageResolution,
    IReadOnlyList<int> VisionLayers,
    int VisionWidth,
    int? VisionPatchSize,
    int ContextLength,
    int VocabularySize,
    int TransformerWidth,
    int TransformerHeads,
    int TransformerLayers)
{
    /// <summary>A Vision Transformer image encoder (else a ModifiedResNet).</summary>
    public bool IsVisionTransformer => VisionPatchSize is not null;

    /// <summary>Attention heads of the image encoder: width / 64 (ViT), or width·32 / 64 for the ResNet's attention pool.</summary>
    public int VisionHeads => IsVisionTransformer ? VisionWidth / 64 : VisionWidth * 32 / 64;

    /// <summary>Infers the architecture from tensor names and shapes (state-dict keys, no prefix).</summary>
    /// <exception cref="InvalidDataException">A tensor the inference needs is missing: not a CLIP state dict.</exception>
    public static ClipArchitecture FromShapes(IReadOnlyDictionary<string, long[]> shapes, string source)
    {
        long[] Shape(string key) => shapes.TryGetValue(key, out var shape) ? shape
            : throw new InvalidDataException($"{source}: not a CLIP model: tensor '{key}' is missing");
        int CountDistinct(string prefix, int part) =>
            shapes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k.Split('.')[part]).Distinct().Count();

        // The text side first: every CLIP has it, so a foreign file is named by what all CLIPs share.
        int transformerWidth = (int)Shape("ln_final.weight")[0];
        int embedDim = (int)Shape("text_projection")[1];
        int contextLength = (int)Shape("positional_embedding")[0];
        int vocabularySize = (int)Shape("token_embedding.weight")[0];
        bool vit = shapes.ContainsKey("visual.proj");
        int[] visionLayers;
        int visionWidth, resolution;
        int? patch = null;
        if (vit)
        {
            var conv = Shape("visual.conv1.weight");
            visionWidth = (int)conv[0];
            visionLayers = [shapes.Keys.Count(k => k.StartsWith("visual.", StringComparison.Ordinal) && k.EndsWith(".attn.in_proj_weight", StringComparison.Ordinal))];
            patch = (int)conv[^1];
            int grid = (int)Math.Round(Math.Sqrt(Shape("visual.positional_embedding")[0] - 1));
            resolution = patch.Value * grid;
        }
        else
        {
            visionLayers = [.. Enumerable.Range(1, 4).Select(b => CountDistinct($"visual.layer{b}.", 2))];
            visionWidth = (int)Shape("visual.layer1.0.conv1.weight")[0];
            int outputWidth = (int)Math.Round(Math.Sqrt(Shape("visual.attnpool.positional_embedding")[0] - 1));
            resolution = outputWidth * 32;
        }
        return new ClipArchitecture(
            EmbedDim: embedDim,
            ImageResolution: resolution,
            VisionLayers: visionLayers,
            VisionWidth: visionWidth,
            VisionPatchSize: patch,
            ContextLength: contextLength,
            VocabularySize: vocabularySize,
            TransformerWidth: transformerWidth,
            TransformerHeads: transformerWidth / 64,
            TransformerLayers: CountDistinct("transformer.resblocks.", 2));
    }
}
