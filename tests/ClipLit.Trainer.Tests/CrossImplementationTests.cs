using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.TestSupport;
using ClipLit.Trainer.Model;
using static TorchSharp.torch;

namespace ClipLit.Trainer.Tests;

/// <summary>
/// The ONNX graphs against libtorch's own adaptive pooling and interpolation (through the TorchSharp
/// network) at sizes the goldens do not cover: tiny, odd, prime, far from multiples of the bins.
/// </summary>
[TestFixture]
public sealed class CrossImplementationTests
{
    private static IEnumerable<TestCaseData> Sizes() =>
        from size in new[] { (2, 2), (3, 5), (5, 3), (7, 2), (37, 41), (97, 131), (131, 36), (64, 64) }
        from strategy in new[] { PlanStrategy.Whole, PlanStrategy.Banded, PlanStrategy.Tiled }
        where strategy != PlanStrategy.Banded || Math.Min(size.Item1, size.Item2) > 2 * ExecutionPlanner.LightMapRadius
        select new TestCaseData(size.Item1, size.Item2, strategy).SetArgDisplayNames($"{size.Item2}x{size.Item1}", strategy.ToString());

    [TestCaseSource(nameof(Sizes))]
    public void OnnxGraphsMatchLibTorch(int height, int width, PlanStrategy strategy)
    {
        // A real photo's crop, so the light map has real structure.
        var (photo, photoHeight, photoWidth) = EnhancementNetworkTests.ReadPlanar(
            SharedData.GoldenImages().First().Folder + "/" + SharedData.GoldenImages().First().Stem + ".input.png");
        var planar = new float[3 * height * width];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    planar[(c * height + y) * width + x] = photo[(c * photoHeight + 100 + y) * photoWidth + 150 + x];

        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
        float[] expected;
        using (no_grad())
        using (var input = tensor(planar).reshape(1, 3, height, width))
        using (var output = network.forward(input))
            expected = output.data<float>().ToArray();

        var weights = EnhancementWeights.Create(SharedData.EnhancementCheckpoint, PyTorchCheckpointReader.Read(SharedData.EnhancementCheckpoint));
        var options = EnhancerOptions.Default with
        {
            Device = ExecutionDevice.Cpu,
            Strategy = strategy,
            MemoryBudgetBytes = strategy == PlanStrategy.Tiled ? 2_000_000 : EnhancerOptions.Default.MemoryBudgetBytes,
        };
        using var estimator = new LightMapEstimator(weights, options);
        var lightMap = new float[height * width];
        estimator.Estimate(planar, height, width, lightMap);

        double psnr = ImageMetrics.Psnr(lightMap, expected);
        TestContext.Out.WriteLine($"{width}x{height} {strategy}: {psnr:F1} dB, max diff {ImageMetrics.MaxAbsDifference(lightMap, expected):E2}");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(90));
    }
}
