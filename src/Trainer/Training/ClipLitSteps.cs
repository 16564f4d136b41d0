using ClipLit.Trainer.Clip;
using ClipLit.Trainer.Model;

namespace ClipLit.Trainer.Training;

/// <summary>Loss values of one enhancement step: the total and its CLIP-guided and reconstruction parts (already weighted).</summary>
public readonly record struct EnhancementLosses(double Total, double ClipGuided, double Reconstruction);

/// <summary>The paper's optimizer settings: Adam, network 2e-5, prompts 5e-6, weight decay 1e-3.</summary>
public sealed record TrainingRates(double NetworkLearningRate = 2e-5, double PromptLearningRate = 5e-6, double WeightDecay = 1e-3);

/// <summary>
/// One optimization step of each stage of the paper's training, with its loss weights:
/// prompt initialization (cross-entropy of backlit 0 / well-lit 1 image features against the prompt
/// pair), enhancement (16·20 · CLIP-guided score + 0.9 · 25 · feature reconstruction with weights
/// 1,1,1,1,0.5; in the reconstruction stage 25 · reconstruction with all weights 1, which trains the
/// network towards identity), and prompt fine-tuning (200 · margin ranking over ranked groups).
/// Each stage updates only its own parameters, the prompts or the network; CLIP never.
/// Ownership: owns its optimizers; not the models.
/// </summary>
public sealed class ClipLitSteps : IDisposable
{
    private readonly EnhancementNetwork _network;
    private readonly PromptPair _prompts;
    private readonly ClipModel _guide;
    private readonly ClipModel _features;
    private readonly bool _clipNeedsOneDnnOff;

    /// <param name="network">The enhancement network being trained.</param>
    /// <param name="prompts">The prompt pair being learned.</param>
    /// <param name="guide">The CLIP that scores images against the prompts (the paper: ViT-B/32).</param>
    /// <param name="features">The ModifiedResNet CLIP whose stage features the reconstruction loss compares (the paper: RN101).</param>
    /// <param name="rates">Learning rates and weight decay.</param>
    public ClipLitSteps(EnhancementNetwork network, PromptPair prompts, ClipModel guide, ClipModel features, TrainingRates rates)
    {
        OneDnnSwitch.Set(true); // several times faster; see OneDnnSwitch for the flaw it has and how the steps avoid it
        _network = network;
        _prompts = prompts;
        _guide = guide;
        _features = features;
        _clipNeedsOneDnnOff = OneDnnSwitch.HasFlawedConvolutions(guide) || OneDnnSwitch.HasFlawedConvolutions(features);
        NetworkOptimizer = optim.Adam(network.parameters(), lr: rates.NetworkLearningRate, weight_decay: rates.WeightDecay);
        PromptOptimizer = optim.Adam(prompts.parameters(), lr: rates.PromptLearningRate, weight_decay: rates.WeightDecay);
    }

    public Adam NetworkOptimizer { get; }

    public Adam PromptOptimizer { get; }

    /// <summary>The enhanced image the way training computes it: clamp(x / (L + 1e-9), 0, 1).</summary>
    public Tensor Enhance(Tensor backlit01) => clamp(backlit01 / (_network.forward(backlit01) + 1e-9), 0, 1);

    /// <summary>L2-normalized guide features of images in [0, 1] (B x D), without gradients: images that do not change are encoded once and cached.</summary>
    public Tensor ImageFeatures(Tensor images01)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var features = _guide.EncodeImage(_guide.Preprocess(images01));
        return (features / features.norm(-1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>Prompt initialization: cross-entropy of the features' logits against labels (0 backlit, 1 well-lit); returns the loss.</summary>
    public double PromptInitializationStep(Tensor imageFeatures, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var loss = ClipLitLosses.PromptCrossEntropy(ClipLitLosses.PromptLogits(imageFeatures, _prompts.TextFeatures(_guide)), labels);
        return Step(PromptOptimizer, loss);
    }

    /// <summary>
    /// One enhancement (or, with <paramref name="reconstructionStage"/>, identity-reconstruction) step on
    /// a batch of backlit images. The losses are differentiated to the enhanced images first, then
    /// those gradients back through the network: the same gradients as one backward pass, but the
    /// CLIP half can run with oneDNN off where the CLIP models have convolutions it gets wrong.
    /// </summary>
    public EnhancementLosses EnhancementStep(Tensor backlit01, bool reconstructionStage)
    {
        using var scope = NewDisposeScope();
        NetworkOptimizer.zero_grad();
        var enhanced = Enhance(backlit01);
        var image = enhanced.detach().requires_grad_(true);
        EnhancementLosses losses;
        using (OneDnnSwitch.Scope(!_clipNeedsOneDnnOff))
        {
            if (reconstructionStage)
            {
                var reconstruction = 25 * ClipLitLosses.ReconstructionLoss(_features, image, backlit01, ClipLitLosses.ReconstructionFeatureWeights);
                reconstruction.backward();
                double value = reconstruction.item<float>();
                losses = new EnhancementLosses(value, 0, value);
            }
            else
            {
                Tensor text;
                using (no_grad()) text = _prompts.TextFeatures(_guide);
                var guided = 16 * 20 * ClipLitLosses.ClipScore(_guide, image, text);
                var kept = 0.9 * 25 * ClipLitLosses.ReconstructionLoss(_features, image, backlit01, ClipLitLosses.EnhancementFeatureWeights);
                var total = guided + kept;
                total.backward();
                losses = new EnhancementLosses(total.item<float>(), guided.item<float>(), kept.item<float>());
            }
        }
        enhanced.backward([image.grad!]);
        NetworkOptimizer.step();
        return losses;
    }

    /// <summary>
    /// Prompt fine-tuning on ranked groups of image features (backlit first, well-lit last, up to two
    /// groups of earlier and later enhancement results between), with the round's margins.
    /// </summary>
    public double PromptRankingStep(IReadOnlyList<Tensor> rankedFeatures, double largeMargin, double smallMargin)
    {
        if (rankedFeatures.Count is < 2 or > 4) throw new ArgumentException("2 to 4 ranked groups", nameof(rankedFeatures));
        using var scope = NewDisposeScope();
        var text = _prompts.TextFeatures(_guide);
        var probabilities = rankedFeatures.Select(f => ClipLitLosses.FirstPromptProbability(f, text)).ToList();
        var loss = 200 * ClipLitLosses.RankingLoss(probabilities[0], probabilities[^1], largeMargin, smallMargin, [.. probabilities.Skip(1).SkipLast(1)]);
        return Step(PromptOptimizer, loss);
    }

    private static double Step(Adam optimizer, Tensor loss)
    {
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        NetworkOptimizer.Dispose();
        PromptOptimizer.Dispose();
    }
}
