using ClipLit.Inference.Runtime;
using ClipLit.Inference.Student;
using ClipLit.TestSupport;
using ClipLit.Trainer.Distillation;
using ClipLit.Trainer.Training;
using ClipLit.VideoIO.Images;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipLit.Trainer.Tests;

/// <summary>
/// The TorchSharp student against its ONNX export (StudentGraphBuilder) run by ONNX Runtime, on real
/// photos pooled to the student's input size (odd sizes included), and its gradients with oneDNN
/// on against ATen's own kernels.
/// </summary>
[TestFixture]
public sealed class StudentNetworkTests
{
    private static readonly StudentMetadata Metadata = new("test", "enhancement_model.pth", new string('0', 64), 0.2, "test", "", "");

    [Test]
    public void ParametersHaveTheArchitecturesNamesAndShapes()
    {
        var architecture = new StudentArchitecture([4, 8, 12], 0.2);
        using var network = new StudentNetwork(architecture);
        var parameters = network.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.That(parameters.Keys, Is.EquivalentTo(architecture.ParameterShapes().Keys));
        foreach (var (name, shape) in architecture.ParameterShapes())
            Assert.That(parameters[name], Is.EqualTo(shape), name);
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        // Sizes a 0.2 scale gives for real frames (256x144: 720p) and odd ones (every level's rounding).
        yield return new TestCaseData(new[] { 16, 32, 48, 64 }, 256, 144).SetArgDisplayNames("default 256x144");
        yield return new TestCaseData(new[] { 16, 32, 48, 64 }, 113, 75).SetArgDisplayNames("default 113x75");
        yield return new TestCaseData(new[] { 4, 8 }, 37, 23).SetArgDisplayNames("4,8 37x23");
        yield return new TestCaseData(new[] { 5, 7, 9, 11, 13, 15 }, 67, 45).SetArgDisplayNames("six levels 67x45");
        yield return new TestCaseData(new[] { 8, 16, 24 }, 2, 2).SetArgDisplayNames("8,16,24 2x2");
    }

    [TestCaseSource(nameof(Cases))]
    public void OnnxExportRunByOnnxRuntimeEqualsTheTorchSharpForward(int[] widths, int width, int height)
    {
        var architecture = new StudentArchitecture(widths, 0.2);
        manual_seed(7);
        using var network = new StudentNetwork(architecture);
        using (no_grad())
            foreach (var parameter in network.parameters()) parameter.mul_(2.5); // livelier than the initialization: every path matters
        network.StartFrom(-0.7);

        foreach (string photo in Directory.GetFiles(SharedData.Path("golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal).Take(2))
        {
            using var scope = NewDisposeScope();
            var input = PooledPhoto(photo, width, height);
            float[] expected;
            using (no_grad()) expected = network.LightMap(input).contiguous().data<float>().ToArray();

            var student = new StudentModelData("test", StudentExport.ToBytes(network, Metadata), Metadata);
            using var estimator = new StudentEstimator(student, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = 2 });
            var planar = input.contiguous().data<float>().ToArray();
            var actual = new float[width * height];
            estimator.Estimate(planar, width, height, actual, CancellationToken.None);

            double worst = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.That(float.IsFinite(actual[i]) && float.IsFinite(expected[i]) && expected[i] > 0, $"{Path.GetFileName(photo)}: value {i} is {actual[i]} (ONNX) / {expected[i]} (TorchSharp)");
                worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / expected[i]);
            }
            TestContext.Out.WriteLine($"{Path.GetFileName(photo)}: worst relative difference {worst:G3}; light map {expected.Min():G4}..{expected.Max():G4}");
            Assert.That(worst, Is.InRange(0, 2e-5), Path.GetFileName(photo));
            Assert.That(expected.Max() - expected.Min(), Is.GreaterThan(1e-3), "the light map varies (a constant one would hide a wrong graph)");
        }
    }

    /// <summary>The student's convolutions pad their outputs to oneDNN's safe multiple: its gradients with oneDNN equal ATen's own.</summary>
    [Test]
    public void GradientsWithOneDnnEqualAtensOwn()
    {
        var architecture = new StudentArchitecture([4, 8, 12], 0.2);
        manual_seed(11);
        using var network = new StudentNetwork(architecture);
        using var input = PooledPhoto(Directory.GetFiles(SharedData.Path("golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal).First(), 61, 41);

        Dictionary<string, float[]> Gradients(bool oneDnn)
        {
            using var _ = OneDnnSwitch.Scope(oneDnn);
            network.zero_grad();
            using var loss = network.forward(input).square().mean();
            loss.backward();
            return network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.contiguous().data<float>().ToArray());
        }

        var withOneDnn = Gradients(true);
        var aten = Gradients(false);
        foreach (var (name, expected) in aten)
        {
            double scale = expected.Max(Math.Abs) + 1e-12;
            double worst = expected.Zip(withOneDnn[name], (e, a) => Math.Abs(e - a)).Max() / scale;
            Assert.That(double.IsFinite(worst) && worst < 1e-4, $"{name}: gradients differ by {worst:G3} of their largest");
        }
    }

    private static Tensor PooledPhoto(string path, int width, int height)
    {
        using var photo = StillImageReader.Read(path);
        var rgba = new byte[4 * photo.Width * photo.Height];
        photo.CopyPixelsTo(rgba);
        using var scope = NewDisposeScope();
        var image = tensor(rgba, [photo.Height, photo.Width, 4])[.., .., ..3].permute(2, 0, 1).unsqueeze(0).to(float32) / 255f;
        return functional.adaptive_avg_pool2d(image, [height, width]).contiguous().MoveToOuterDisposeScope();
    }
}
