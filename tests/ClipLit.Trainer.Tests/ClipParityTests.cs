using ClipLit.TestSupport;
using ClipLit.Trainer.Clip;
using static TorchSharp.torch;

namespace ClipLit.Trainer.Tests;

/// <summary>
/// CLIP in TorchSharp against OpenAI's code on the tiny models of ../shared/golden/clip: the same
/// weights (state dicts and the TorchScript archive) give the same encodings, within 1e-4 relative.
/// </summary>
[TestFixture]
public sealed class ClipParityTests
{
    [TestCase("vit_tiny", true)]
    [TestCase("rn_tiny", false)]
    public void TheArchitectureIsInferredFromTheWeights(string name, bool vit)
    {
        using var model = ClipWeightsFile.Load(ClipGolden.Path($"{name}.state_dict.pth"));
        var arch = model.Architecture;
        Assert.That(arch.IsVisionTransformer, Is.EqualTo(vit));
        Assert.That((arch.EmbedDim, arch.ImageResolution, arch.ContextLength, arch.VocabularySize, arch.TransformerWidth, arch.TransformerHeads),
            Is.EqualTo((64, 64, 77, 49408, 128, 2)));
        Assert.That(arch.VisionLayers, vit ? Is.EqualTo(new[] { 2 }) : Is.EqualTo(new[] { 1, 2, 1, 1 }));
        Assert.That((arch.VisionWidth, arch.VisionPatchSize, arch.TransformerLayers), vit ? Is.EqualTo((128, (int?)16, 2)) : Is.EqualTo((16, (int?)null, 1)));
        Assert.That(model.LogitScale.item<float>(), Is.EqualTo(100f).Within(1e-3));
        Assert.That(model.parameters().All(p => !p.requires_grad), "CLIP is frozen");
    }

    [TestCase("vit_tiny.state_dict.pth", "vit_tiny")]
    [TestCase("vit_tiny.jit.pt", "vit_tiny")]
    [TestCase("rn_tiny.state_dict.pth", "rn_tiny")]
    public void ImagesAndTextsEncodeAsOpenAIsClip(string file, string name)
    {
        using var scope = NewDisposeScope();
        using var model = ClipWeightsFile.Load(ClipGolden.Path(file));
        using var _ = no_grad();
        var input = model.Preprocess(ClipGolden.Floats("inputs.images01"));
        ClipGolden.AssertClose(input, ClipGolden.Floats($"{name}.image_input"), "preprocessed images (bilinear resize, normalization)");
        ClipGolden.AssertClose(model.EncodeImage(ClipGolden.Floats($"{name}.image_input")), ClipGolden.Floats($"{name}.encode_image"), "encode_image");
        ClipGolden.AssertClose(model.EncodeText(ClipGolden.Longs("inputs.tokens")), ClipGolden.Floats($"{name}.encode_text"), "encode_text");
        if (name == "vit_tiny")
            ClipGolden.AssertClose(model.LogitsPerImage(ClipGolden.Floats($"{name}.image_input"), ClipGolden.Longs("inputs.tokens")), ClipGolden.Floats("vit_tiny.logits_per_image"), "logits per image");
    }

    [Test]
    public void TheResNetsStemAndStagesMatch()
    {
        using var scope = NewDisposeScope();
        using var model = ClipWeightsFile.Load(ClipGolden.Path("rn_tiny.state_dict.pth"));
        using var _ = no_grad();
        var (embedding, stages) = model.ImageFeatures(ClipGolden.Floats("rn_tiny.image_input"));
        ClipGolden.AssertClose(embedding, ClipGolden.Floats("rn_tiny.encode_image"), "embedding");
        Assert.That(stages, Has.Length.EqualTo(5));
        for (int i = 0; i < 5; i++) ClipGolden.AssertClose(stages[i], ClipGolden.Floats($"rn_tiny.image_features.{i}"), $"stage {i}");
    }

    [Test]
    public void AWeightsFileThatIsNotClipIsNamedWithWhatIsMissing()
    {
        var error = Assert.Throws<InvalidDataException>(() => ClipWeightsFile.Load(SharedData.EnhancementCheckpoint));
        Assert.That(error!.Message, Does.StartWith(SharedData.EnhancementCheckpoint).And.Contains("not a CLIP model").And.Contains("ln_final.weight"));
        Assert.Throws<FileNotFoundException>(() => ClipWeightsFile.Load(ClipGolden.Path("no-such-model.pt")));
    }
}
