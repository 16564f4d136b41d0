using ClipLit.Inference.Model;
using ClipLit.TestSupport;

namespace ClipLit.Inference.Tests;

/// <summary>The torch-free checkpoint reader and the architecture check.</summary>
[TestFixture]
public sealed class ModelLoadingTests
{
    [Test]
    public void ReadsBothOfThePapersCheckpoints()
    {
        foreach (string path in new[] { SharedData.EnhancementCheckpoint, SharedData.InitialEnhancementCheckpoint })
        {
            var tensors = PyTorchCheckpointReader.Read(path);
            Assert.That(tensors, Has.Count.EqualTo(30), path);
            Assert.That(tensors["module.cond1.weight"].Shape, Is.EqualTo(new long[] { 32, 3, 3, 3 }));
            Assert.That(tensors["module.cond_add1.weight"].Shape, Is.EqualTo(new long[] { 1, 32, 3, 3 }));
            var weights = EnhancementWeights.Create(path, tensors);
            Assert.That(weights["cond1.weight"].Values.Any(v => v != 0));
        }
        var trained = ModelLoader.Load(SharedData.EnhancementCheckpoint)["condx.weight"].Values;
        var initial = ModelLoader.Load(SharedData.InitialEnhancementCheckpoint)["condx.weight"].Values;
        Assert.That(trained, Is.Not.EqualTo(initial));
    }

    [Test]
    public void ShapeMismatchIsNamed()
    {
        var tensors = PyTorchCheckpointReader.Read(SharedData.EnhancementCheckpoint).ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors["module.condy.bias"] = new TensorData([16], new float[16]);
        var error = Assert.Throws<ModelLoadException>(() => EnhancementWeights.Create("x.pth", tensors))!;
        Assert.That(error.Message, Is.EqualTo("x.pth: not a CLIP-LIT enhancement network (UNet_emb_oneBranch_symmetry): wrong shape: condy.bias is [16], expected [32]"));
    }

    [Test]
    public void FilesThatAreNotModelsAreRefusedWithOneLine()
    {
        string folder = Directory.CreateTempSubdirectory("cliplit-models-").FullName;
        try
        {
            var cases = new Dictionary<string, byte[]>
            {
                ["empty.pth"] = [],
                ["short.pth"] = [1, 2],
                ["text.onnx"] = "hello, I am not a model, just text that protobuf cannot parse \u00ff\u00fe"u8.ToArray(),
                ["cut.pth"] = File.ReadAllBytes(SharedData.EnhancementCheckpoint)[..5000],
            };
            foreach (var (name, bytes) in cases)
            {
                string path = Path.Combine(folder, name);
                File.WriteAllBytes(path, bytes);
                var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(path), name)!;
                Assert.That(error.Message, Does.StartWith(path + ": ").And.Not.Contain("\n"), name);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
