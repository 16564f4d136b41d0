namespace ClipLit.Trainer.Clip;

/// <summary>
/// The paper's losses over CLIP, as its training code computes them: the prompt pair's logits and
/// first-prompt probabilities (scale 100 on cosine similarity), prompt initialization's cross-entropy,
/// the margin ranking losses of prompt fine-tuning, the CLIP-guided enhancement score and the CLIP
/// feature reconstruction loss. Gradients flow to images and prompt embeddings, never to CLIP.
/// </summary>
public static class ClipLitLosses
{
    /// <summary>The paper's fixed similarity scale (its code writes 100.0, not CLIP's logit_scale).</summary>
    public const double SimilarityScale = 100.0;

    /// <summary>
    /// Logits of each image against the prompt pair: 100 · f_i · t/‖t‖ for L2-normalized image
    /// features (B x 1 x D, or B x D) and the pair's text features (2 x D); B x 2.
    /// </summary>
    public static Tensor PromptLogits(Tensor imageFeatures, Tensor textFeatures)
    {
        using var scope = NewDisposeScope();
        var text = textFeatures / textFeatures.norm(-1, keepdim: true);
        var images = imageFeatures.reshape(imageFeatures.shape[0], -1);
        return (SimilarityScale * matmul(images, text.t())).MoveToOuterDisposeScope();
    }

    /// <summary>The softmax probability of the first prompt (backlit) per image: B.</summary>
    public static Tensor FirstPromptProbability(Tensor imageFeatures, Tensor textFeatures)
    {
        using var scope = NewDisposeScope();
        return PromptLogits(imageFeatures, textFeatures).softmax(-1)[.., 0].MoveToOuterDisposeScope();
    }

    /// <summary>Prompt initialization: cross-entropy of the logits against labels (0 backlit, 1 well-lit), batch mean.</summary>
    public static Tensor PromptCrossEntropy(Tensor logits, Tensor labels) => functional.cross_entropy(logits, labels);

    /// <summary>
    /// Prompt fine-tuning's margin ranking loss over ranked groups of first-prompt probabilities:
    /// backlit inputs above well-lit references by <paramref name="largeMargin"/>, and, with 1 or 2
    /// intermediate groups (earlier enhancement results, then later ones), backlit above the first
    /// by the large margin and each group above the next by <paramref name="smallMargin"/>
    /// (PyTorch's MarginRankingLoss with all labels 1, summed).
    /// </summary>
    public static Tensor RankingLoss(Tensor backlit, Tensor wellLit, double largeMargin, double smallMargin, params Tensor[] intermediate)
    {
        if (intermediate.Length > 2) throw new ArgumentException("at most two intermediate groups (four ranked groups in all)", nameof(intermediate));
        using var scope = NewDisposeScope();
        static Tensor Margin(Tensor higher, Tensor lower, double margin) => functional.relu(margin - (higher - lower)).mean();
        var loss = Margin(backlit, wellLit, largeMargin);
        if (intermediate.Length > 0)
        {
            loss = loss + Margin(backlit, intermediate[0], largeMargin);
            for (int i = 0; i + 1 < intermediate.Length; i++) loss = loss + Margin(intermediate[i], intermediate[i + 1], smallMargin);
            loss = loss + Margin(intermediate[^1], wellLit, smallMargin);
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The CLIP-guided enhancement score: the mean, over the batch, of the first prompt's softmax
    /// probability for the images (in [0, 1], resized and normalized for <paramref name="clip"/>).
    /// Lower is better (less "backlit"); the paper multiplies it by 16·20.
    /// </summary>
    public static Tensor ClipScore(ClipModel clip, Tensor images01, Tensor textFeatures)
    {
        using var scope = NewDisposeScope();
        var features = clip.EncodeImage(clip.Preprocess(images01));
        features = features / features.norm(-1, keepdim: true);
        return FirstPromptProbability(features, textFeatures).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Weights of the reconstruction loss's five features (stem, stages 1-4) while enhancing, and in the reconstruction (identity) stage.</summary>
    public static readonly double[] EnhancementFeatureWeights = [1, 1, 1, 1, 0.5];
    public static readonly double[] ReconstructionFeatureWeights = [1, 1, 1, 1, 1];

    /// <summary>
    /// CLIP feature reconstruction: for each image, Σ weight_k · MSE(features_k(enhanced), features_k(input))
    /// over the ModifiedResNet's stem and four stages, summed over the batch (the paper's code sums
    /// per image, it does not average).
    /// </summary>
    public static Tensor ReconstructionLoss(ClipModel resnet, Tensor enhanced01, Tensor input01, IReadOnlyList<double> weights)
    {
        using var scope = NewDisposeScope();
        var (_, predicted) = resnet.ImageFeatures(resnet.Preprocess(enhanced01));
        Tensor[] reference;
        using (no_grad()) (_, reference) = resnet.ImageFeatures(resnet.Preprocess(input01));
        if (weights.Count != predicted.Length) throw new ArgumentException($"{predicted.Length} feature weights needed, got {weights.Count}", nameof(weights));
        Tensor? loss = null;
        for (int k = 0; k < predicted.Length; k++)
        {
            var perImage = (predicted[k] - reference[k]).square().flatten(1).mean([1]);
            var term = weights[k] * perImage.sum();
            loss = loss is null ? term : loss + term;
        }
        return loss!.MoveToOuterDisposeScope();
    }
}
