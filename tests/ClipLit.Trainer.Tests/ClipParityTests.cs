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
    private const double Tolerance = 1e-4;

    private static string Golden(string name) => SharedData.Path("golden", "clip", name);

    private static Tensor Fixture(string name)
    {
        var array = Npy.ReadFloat32(Golden(name + ".npy"));
        return tensor(array.Values, array.Shape);
    }

    private static Tensor Tokens(string name)
    {
        var array = Npy.ReadInt64(Golden(name + ".npy"));
        return tensor(array.Values, array.Shape);
    }

    [TestCase("vit_tiny", true)]
    [TestCase("rn_tiny", false)]
    public void TheArchitectureIsInferredFromTheWeights(string name, bool vit)
    {
        using var model = ClipWeightsFile.Load(Golden($"{name}.state_dict.pth"));
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
        using var model = ClipWeightsFile.Load(Golden(file));
        using var _ = no_grad();
        var input = model.Preprocess(Fixture("inputs.images01"));
        AssertClose(input, Fixture($"{name}.image_input"), "preprocessed images (bilinear resize, normalization)");
        AssertClose(model.EncodeImage(Fixture($"{name}.image_input")), Fixture($"{name}.encode_image"), "encode_image");
        AssertClose(model.EncodeText(Tokens("inputs.tokens")), Fixture($"{name}.encode_text"), "encode_text");
        if (name == "vit_tiny")
            AssertClose(model.LogitsPerImage(Fixture($"{name}.image_input"), Tokens("inputs.tokens")), Fixture("vit_tiny.logits_per_image"), "logits per image");
    }

    [Test]
    public void TheResNetsStemAndStagesMatch()
    {
        using var scope = NewDisposeScope();
        using var model = ClipWeightsFile.Load(Golden("rn_tiny.state_dict.pth"));
        using var _ = no_grad();
        var (embedding, stages) = model.ImageFeatures(Fixture("rn_tiny.image_input"));
        AssertClose(embedding, Fixture("rn_tiny.encode_image"), "embedding");
        Assert.That(stages, Has.Length.EqualTo(5));
        for (int i = 0; i < 5; i++) AssertClose(stages[i], Fixture($"rn_tiny.image_features.{i}"), $"stage {i}");
    }

    [Test]
    public void AWeightsFileThatIsNotClipIsNamedWithWhatIsMissing()
    {
        var error = Assert.Throws<InvalidDataException>(() => ClipWeightsFile.Load(SharedData.EnhancementCheckpoint));
        Assert.That(error!.Message, Does.StartWith(SharedData.EnhancementCheckpoint).And.Contains("not a CLIP model").And.Contains("ln_final.weight"));
        Assert.Throws<FileNotFoundException>(() => ClipWeightsFile.Load(Golden("no-such-model.pt")));
    }

    internal static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape), $"{what}: shape");
        double scale = Math.Max(expected.abs().max().item<float>(), 1e-12);
        double worst = (actual - expected).abs().max().item<float>() / scale;
        TestContext.Out.WriteLine($"{what}: max relative difference {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance), what);
    }
}
