using TorchSharp;
using ClipLit.TestSupport;
using ClipLit.Trainer.Clip;
using static TorchSharp.torch;

namespace ClipLit.Trainer.Tests;

/// <summary>The paper's CLIP losses against the values its code computed (../shared/golden/clip, loss.* and prompt.*).</summary>
[TestFixture]
public sealed class ClipLitLossTests
{
    private static void Close(Tensor actual, string fixture) => ClipGolden.AssertClose(actual, ClipGolden.Floats(fixture), fixture);

    [Test]
    public void ALearnedPromptPairEncodesAsTheirs()
    {
        using var scope = NewDisposeScope();
        using var clip = ClipWeightsFile.Load(ClipGolden.Path("vit_tiny.state_dict.pth"));
        using var _ = no_grad();
        Close(clip.EncodePrompts(ClipGolden.Floats("prompt.embedding"), ClipGolden.Longs("prompt.tokens")), "prompt.text_features");
    }

    [Test]
    public void PromptLogitsProbabilitiesAndCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var text = ClipGolden.Floats("prompt.text_features");
        var logits = ClipLitLosses.PromptLogits(ClipGolden.Floats("prompt.image_features"), text);
        Close(logits, "loss.prompt_logits");
        Close(ClipLitLosses.FirstPromptProbability(ClipGolden.Floats("prompt.image_features"), text), "loss.prompt_probs");
        Close(ClipLitLosses.FirstPromptProbability(ClipGolden.Floats("prompt.image_features_b"), text), "loss.prompt_probs_b");
        Close(ClipLitLosses.PromptCrossEntropy(logits, ClipGolden.Longs("loss.prompt_labels")), "loss.prompt_cross_entropy");
    }

    [Test]
    public void RankingLossesOverTwoThreeAndFourGroups()
    {
        using var scope = NewDisposeScope();
        var (backlit, wellLit) = (ClipGolden.Floats("loss.prompt_probs"), ClipGolden.Floats("loss.prompt_probs_b"));
        var (first, second) = (ClipGolden.Floats("loss.rank_p1"), ClipGolden.Floats("loss.rank_p2"));
        Close(ClipLitLosses.RankingLoss(backlit, wellLit, 0.9, 0.2), "loss.rank2");
        Close(ClipLitLosses.RankingLoss(backlit, wellLit, 0.9, 0.2, first), "loss.rank3");
        Close(ClipLitLosses.RankingLoss(backlit, wellLit, 0.9, 0.2, first, second), "loss.rank4");
    }

    [Test]
    public void TheClipGuidedScore()
    {
        using var scope = NewDisposeScope();
        using var clip = ClipWeightsFile.Load(ClipGolden.Path("vit_tiny.state_dict.pth"));
        using var _ = no_grad();
        Close(ClipLitLosses.ClipScore(clip, ClipGolden.Floats("inputs.images01"), ClipGolden.Floats("prompt.text_features")), "loss.clip_score");
    }

    [Test]
    public void TheFeatureReconstructionLossWithBothWeightings()
    {
        using var scope = NewDisposeScope();
        using var resnet = ClipWeightsFile.Load(ClipGolden.Path("rn_tiny.state_dict.pth"));
        using var _ = no_grad();
        var (enhanced, input) = (ClipGolden.Floats("inputs.images01"), ClipGolden.Floats("inputs.images01_b"));
        Close(ClipLitLosses.ReconstructionLoss(resnet, enhanced, input, ClipLitLosses.EnhancementFeatureWeights), "loss.clip_mse");
        Close(ClipLitLosses.ReconstructionLoss(resnet, enhanced, input, ClipLitLosses.ReconstructionFeatureWeights), "loss.clip_mse_reconstruction");
    }

    [Test]
    public void GradientsReachTheImagesAndPromptsButNotClip()
    {
        using var scope = NewDisposeScope();
        using var clip = ClipWeightsFile.Load(ClipGolden.Path("vit_tiny.state_dict.pth"));
        var images = ClipGolden.Floats("inputs.images01").requires_grad_(true);
        var prompts = ClipGolden.Floats("prompt.embedding").requires_grad_(true);
        var text = clip.EncodePrompts(prompts, ClipGolden.Longs("prompt.tokens"));
        ClipLitLosses.ClipScore(clip, images, text).backward();
        Assert.That(images.grad is { } g && g.abs().sum().item<float>() > 0, "the score's gradient reaches the images");
        Assert.That(prompts.grad is { } p && p.abs().sum().item<float>() > 0, "and the prompt embeddings");
        Assert.That(clip.parameters().All(parameter => parameter.grad is null), "CLIP's weights get none");
    }
}

/// <summary>
/// The CLIP-guided loss's gradients, checked against central finite differences in float64 on the
/// tiny ViT: with respect to enhancement-network weights (through the division by the light map)
/// and prompt-embedding entries (through the text encoder).
/// </summary>
[TestFixture]
public sealed class ClipGradientTests
{
    [Test]
    public void AnalyticGradientsMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        using var clip = ClipWeightsFile.Load(ClipGolden.Path("vit_tiny.state_dict.pth"));
        clip.to(float64);
        using var network = new Model.EnhancementNetwork();
        Model.EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
        network.to(float64);
        var images = ClipGolden.Floats("inputs.images01").to(float64);
        var prompts = ClipGolden.Floats("prompt.embedding").to(float64).requires_grad_(true);
        var tokens = ClipGolden.Longs("prompt.tokens");

        Tensor Loss()
        {
            var light = network.forward(images);
            var enhanced = clamp(images / (light + 1e-9), 0, 1);
            return 16 * 20 * ClipLitLosses.ClipScore(clip, enhanced, clip.EncodePrompts(prompts, tokens));
        }

        var weight = network.parameters().First(); // cond1.weight
        Loss().backward();
        (Tensor Target, long[] Index)[] probes =
        [
            (weight, [0, 0, 1, 1]), (weight, [5, 2, 0, 2]), (weight, [31, 1, 2, 0]),
            (prompts, [0, 3, 7]), (prompts, [1, 10, 100]), (prompts, [0, 16, 5]),
        ];
        const double step = 1e-7;
        foreach (var (target, index) in probes)
        {
            var indices = index.Select(i => TensorIndex.Single(i)).ToArray();
            double analytic = target.grad![indices].item<double>();
            double original = target[indices].item<double>();
            double Evaluate(double value)
            {
                using var _ = no_grad();
                target[indices] = tensor(value, float64);
                return Loss().item<double>();
            }
            double numeric = (Evaluate(original + step) - Evaluate(original - step)) / (2 * step);
            Evaluate(original);
            TestContext.Out.WriteLine($"d loss / d {(target.shape.Length == 4 ? "cond1.weight" : "prompt")}[{string.Join(',', index)}]: analytic {analytic:E6}, numeric {numeric:E6}");
            Assert.That(Math.Abs(analytic), Is.GreaterThan(1e-9), "a probe with a gradient");
            Assert.That(Math.Abs(analytic - numeric), Is.Not.NaN.And.LessThanOrEqualTo(1e-3 * Math.Abs(numeric) + 1e-7), "gradcheck's tolerance (the clamp and the leaky ReLUs have kinks)");
        }
    }
}
