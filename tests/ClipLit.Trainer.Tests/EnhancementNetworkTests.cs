using ClipLit.Inference.Imaging;
using ClipLit.Inference.Model;
using ClipLit.TestSupport;
using ClipLit.Trainer.Model;
using ClipLit.VideoIO.Images;
using static TorchSharp.torch;

namespace ClipLit.Trainer.Tests;

/// <summary>The TorchSharp network (what the trainer trains) against PyTorch 1.13's golden outputs.</summary>
[TestFixture]
public sealed class EnhancementNetworkTests
{
    [Test]
    public void ParametersHaveTheCheckpointsNamesAndShapes()
    {
        using var network = new EnhancementNetwork();
        var parameters = network.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.That(parameters.Keys, Is.EquivalentTo(EnhancementArchitecture.ParameterShapes.Keys));
        foreach (var (name, shape) in EnhancementArchitecture.ParameterShapes)
            Assert.That(parameters[name], Is.EqualTo(shape), name);
    }

    private static IEnumerable<TestCaseData> Goldens() =>
        SharedData.GoldenImages().Select(g => new TestCaseData(g.Folder, g.Stem).SetArgDisplayNames($"{Path.GetFileName(g.Folder)}/{g.Stem}"));

    [TestCaseSource(nameof(Goldens))]
    public void LightMapMatchesPyTorch(string folder, string stem)
    {
        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
        network.eval();

        var (planar, height, width) = ReadPlanar(Path.Combine(folder, stem + ".input.png"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var lightMap = network.forward(tensor(planar).reshape(1, 3, height, width)).data<float>().ToArray();
        var expected = Npy.ReadFloat32(Path.Combine(folder, stem + ".lightmap.npy")).Values;

        double psnr = ImageMetrics.Psnr(lightMap, expected);
        TestContext.Out.WriteLine($"{stem} {width}x{height}: TorchSharp light map {psnr:F1} dB, max diff {ImageMetrics.MaxAbsDifference(lightMap, expected):E2}");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(90));

        PlanarConversion.Compose(planar, lightMap, height * width);
        // Compare RGB only: the reference PNG has no alpha channel (it decodes as opaque).
        using var reference = StillImageReader.Read(Path.Combine(folder, stem + ".enhanced.png"));
        var expectedRgba = new byte[4 * height * width];
        reference.CopyPixelsTo(expectedRgba);
        var rgba = (byte[])expectedRgba.Clone();
        PlanarConversion.ToRgba(planar, rgba, height * width);
        var (equal, maxDifference) = ImageMetrics.CompareBytes(rgba, expectedRgba);
        Assert.That(equal, Is.GreaterThanOrEqualTo(0.995));
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1));
    }

    internal static (float[] Planar, int Height, int Width) ReadPlanar(string path)
    {
        using var image = StillImageReader.Read(path);
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        var planar = new float[3 * image.Width * image.Height];
        PlanarConversion.ToPlanar(rgba, planar, image.Width * image.Height);
        return (planar, image.Height, image.Width);
    }
}
