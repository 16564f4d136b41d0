using ClipLit.TestSupport;
using ClipLit.Trainer.Clip;
using ClipLit.Trainer.Model;
using ClipLit.Trainer.Training;
using ClipLit.VideoIO.Images;
using static TorchSharp.torch;

namespace ClipLit.Trainer.Tests;

/// <summary>
/// Each training stage's step on real photos (backlit from ../shared/data/backlit, well-lit from the
/// golden enhanced outputs) with the tiny CLIP models: the stage's loss goes down over a few steps
/// (learning rates raised so that a few steps show it), and only the stage's own parameters move.
/// </summary>
[TestFixture]
public sealed class ClipLitStepsTests
{
    private const int Size = 64;
    private ClipModel _guide = null!;
    private ClipModel _features = null!;
    private ClipTokenizer _tokenizer = null!;
    private Tensor _backlit = null!;
    private Tensor _wellLit = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _guide = ClipWeightsFile.Load(SharedData.Path("golden", "clip", "vit_tiny.state_dict.pth"));
        _features = ClipWeightsFile.Load(SharedData.Path("golden", "clip", "rn_tiny.state_dict.pth"));
        _tokenizer = ClipTokenizer.Load(SharedData.Path("clip", "bpe_simple_vocab_16e6.txt.gz"));
        _backlit = Photos(Directory.GetFiles(SharedData.BacklitPhotos, "*.jpg").Order().Take(4));
        _wellLit = Photos(Directory.GetFiles(SharedData.Path("golden", "enhance-512"), "*.enhanced.png").Order().Take(4));
    }

    [OneTimeTearDown]
    public void Free()
    {
        _guide.Dispose();
        _features.Dispose();
        _backlit.Dispose();
        _wellLit.Dispose();
    }

    [Test]
    public void PromptInitializationSeparatesBacklitFromWellLit()
    {
        manual_seed(1);
        using var network = new EnhancementNetwork();
        using var prompts = new PromptPair(_guide, _tokenizer, 16);
        using var steps = new ClipLitSteps(network, prompts, _guide, _features, new TrainingRates(PromptLearningRate: 5e-3));
        using var scope = NewDisposeScope();
        var features = steps.ImageFeatures(cat([_backlit, _wellLit], 0));
        var labels = tensor(new long[] { 0, 0, 0, 0, 1, 1, 1, 1 });
        var before = network.parameters().Select(p => p.detach().clone()).ToList();
        var losses = Enumerable.Range(0, 30).Select(_ => steps.PromptInitializationStep(features, labels)).ToList();
        TestContext.Out.WriteLine($"cross-entropy {losses[0]:F4} -> {losses[^1]:F4}");
        Assert.That(losses[^1], Is.Not.NaN.And.LessThan(0.8 * losses[0]));
        Assert.That(network.parameters().Zip(before).All(p => p.First.allclose(p.Second, 0, 0)), "the network does not move");
    }

    [Test]
    public void EnhancementLowersTheClipGuidedLoss()
    {
        manual_seed(2);
        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, SharedData.InitialEnhancementCheckpoint);
        using var prompts = new PromptPair(_guide, _tokenizer, 16);
        using var steps = new ClipLitSteps(network, prompts, _guide, _features, new TrainingRates(NetworkLearningRate: 1e-3, PromptLearningRate: 5e-3));
        using var scope = NewDisposeScope();
        // Prompts that tell backlit from well-lit first, as the schedule has them when enhancing starts.
        var features = steps.ImageFeatures(cat([_backlit, _wellLit], 0));
        var labels = tensor(new long[] { 0, 0, 0, 0, 1, 1, 1, 1 });
        for (int i = 0; i < 30; i++) steps.PromptInitializationStep(features, labels);
        var prompt = prompts.Embedding.detach().clone();

        var losses = Enumerable.Range(0, 12).Select(_ => steps.EnhancementStep(_backlit, reconstructionStage: false)).ToList();
        TestContext.Out.WriteLine(string.Join("\n", losses.Select(l => $"total {l.Total:F4} (guided {l.ClipGuided:F4}, reconstruction {l.Reconstruction:F6})")));
        Assert.That(losses[^1].Total, Is.Not.NaN.And.LessThan(losses[0].Total));
        Assert.That(losses[^1].ClipGuided, Is.Not.NaN.And.LessThan(losses[0].ClipGuided), "the images look less 'backlit' to CLIP");
        Assert.That(prompts.Embedding.allclose(prompt, 0, 0), "the prompts do not move while enhancing");
    }

    [Test]
    public void TheReconstructionStageTrainsTowardsIdentity()
    {
        manual_seed(3);
        using var network = new EnhancementNetwork();
        network.InitializeLikeThePaper(_backlit);
        using var prompts = new PromptPair(_guide, _tokenizer, 16);
        using var steps = new ClipLitSteps(network, prompts, _guide, _features, new TrainingRates(NetworkLearningRate: 1e-3));
        using var scope = NewDisposeScope();
        var losses = Enumerable.Range(0, 12).Select(_ => steps.EnhancementStep(_backlit, reconstructionStage: true).Total).ToList();
        TestContext.Out.WriteLine($"reconstruction {losses[0]:F6} -> {losses[^1]:F6}");
        Assert.That(losses[^1], Is.Not.NaN.And.LessThan(0.8 * losses[0]));
    }

    [Test]
    public void AFreshNetworkStartsAlive()
    {
        manual_seed(3);
        using var network = new EnhancementNetwork();
        int draws = network.InitializeLikeThePaper(_backlit);
        using var scope = NewDisposeScope();
        using (no_grad()) Assert.That(network.forward(_backlit).max().item<float>(), Is.GreaterThan(0), $"alive after {draws} draws");
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void PromptFineTuningRanksTheGroups(int groups)
    {
        manual_seed(4);
        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
        using var prompts = new PromptPair(_guide, _tokenizer, 16);
        using var steps = new ClipLitSteps(network, prompts, _guide, _features, new TrainingRates(PromptLearningRate: 5e-3));
        using var scope = NewDisposeScope();
        Tensor enhanced, brighter;
        using (no_grad())
        {
            enhanced = steps.Enhance(_backlit);
            brighter = clamp(enhanced * 1.2, 0, 1);
        }
        var ranked = new List<Tensor> { steps.ImageFeatures(_backlit) };
        if (groups >= 3) ranked.Add(steps.ImageFeatures(enhanced));
        if (groups == 4) ranked.Add(steps.ImageFeatures(brighter));
        ranked.Add(steps.ImageFeatures(_wellLit));
        var losses = Enumerable.Range(0, 30).Select(_ => steps.PromptRankingStep(ranked, 0.9, 0.2)).ToList();
        TestContext.Out.WriteLine($"{groups} groups: ranking loss {losses[0]:F3} -> {losses[^1]:F3}");
        Assert.That(losses[^1], Is.Not.NaN.And.LessThan(losses[0]));
    }

    [Test]
    public void TheEnhancementStepsGradientsAreThoseOfOneBackwardPassWithOneDnnOff()
    {
        manual_seed(5);
        using var network = new EnhancementNetwork(zeroPaddedOuterConvolutions: true);
        EnhancementCheckpointFile.Load(network, SharedData.InitialEnhancementCheckpoint);
        using var prompts = new PromptPair(_guide, _tokenizer, 16);
        using var scope = NewDisposeScope();
        List<Tensor> reference;
        using (OneDnnSwitch.Scope(false))
        {
            Tensor text;
            using (no_grad()) text = prompts.TextFeatures(_guide);
            var enhanced = clamp(_backlit / (network.forward(_backlit) + 1e-9), 0, 1);
            var loss = 16 * 20 * ClipLitLosses.ClipScore(_guide, enhanced, text)
                       + 0.9 * 25 * ClipLitLosses.ReconstructionLoss(_features, enhanced, _backlit, ClipLitLosses.EnhancementFeatureWeights);
            loss.backward();
            reference = network.parameters().Select(p => p.grad!.clone()).ToList();
        }
        // Learning rate 0: the step leaves the weights as they are and its gradients in place.
        using var steps = new ClipLitSteps(network, prompts, _guide, _features, new TrainingRates(NetworkLearningRate: 0));
        Assert.That(OneDnnSwitch.IsEnabled, "the steps run with oneDNN on");
        for (int step = 0; step < 2; step++) // the flaw showed as NaN on first use: check twice
        {
            steps.EnhancementStep(_backlit, reconstructionStage: false);
            var names = network.named_parameters().Select(p => p.name).ToList();
            var gradients = network.parameters().Select(p => p.grad!).ToList();
            for (int i = 0; i < names.Count; i++)
            {
                double error = (gradients[i] - reference[i]).abs().max().item<float>() / reference[i].abs().max().item<float>();
                Assert.That(error <= 1e-4, $"step {step}: {names[i]} relative error {error:E2}"); // false for NaN (NUnit's Is.LessThan passes NaN)
            }
        }
    }

    /// <summary>Convolutions the trainer runs with oneDNN on (those HasFlawedConvolutions lets through) give ATen's input and weight gradients.</summary>
    [TestCase(64, 16, 3, 1)]
    [TestCase(64, 64, 3, 1)]
    [TestCase(64, 1, 1, 1)]
    [TestCase(3, 64, 32, 32)]
    public void OneDnnConvolutionGradientsAgreeWhereTheTrainerUsesThem(int inChannels, int outChannels, int kernel, int stride)
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var input = randn(2, inChannels, 64, 64);
        var weight = randn(outChannels, inChannels, kernel, kernel) * 0.1;
        using var convolution = nn.Conv2d(inChannels, outChannels, kernel, stride);
        Assert.That(OneDnnSwitch.HasFlawedConvolutions(convolution), Is.False);
        (Tensor Input, Tensor Weight) Gradients(bool oneDnn)
        {
            using var _ = OneDnnSwitch.Scope(oneDnn);
            var x = input.clone().requires_grad_(true);
            var w = weight.clone().requires_grad_(true);
            var y = nn.functional.conv2d(x, w, strides: [stride, stride], padding: [kernel == stride ? 0 : kernel / 2, kernel == stride ? 0 : kernel / 2]);
            manual_seed(7);
            y.backward([randn_like(y)]);
            return (x.grad!, w.grad!);
        }
        var reference = Gradients(false);
        var oneDnn = Gradients(true);
        Assert.That(oneDnn.Input.allclose(reference.Input, 1e-4, 1e-4 * reference.Input.abs().max().item<float>()), "input gradient");
        Assert.That(oneDnn.Weight.allclose(reference.Weight, 1e-4, 1e-4 * reference.Weight.abs().max().item<float>()), "weight gradient");
    }

    /// <summary>Photos as N x 3 x 64 x 64 in [0, 1] (area-averaged down).</summary>
    private static Tensor Photos(IEnumerable<string> paths)
    {
        var images = new List<Tensor>();
        foreach (string path in paths)
        {
            using var photo = StillImageReader.Read(path);
            var rgba = new byte[4 * photo.Width * photo.Height];
            photo.CopyPixelsTo(rgba);
            using var pixels = tensor(rgba, [photo.Height, photo.Width, 4]);
            using var rgb = pixels[.., .., ..3].permute(2, 0, 1).unsqueeze(0).to(float32) / 255f;
            images.Add(nn.functional.adaptive_avg_pool2d(rgb, [Size, Size]));
        }
        var batch = cat(images, 0);
        foreach (var image in images) image.Dispose();
        return batch;
    }
}
