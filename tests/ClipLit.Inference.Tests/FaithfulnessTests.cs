using ClipLit.Inference.Imaging;
using ClipLit.Inference.Runtime;
using ClipLit.TestSupport;

namespace ClipLit.Inference.Tests;

/// <summary>
/// The ONNX Runtime path against PyTorch 1.13's outputs on every golden photo, for each execution
/// plan: one run, the banded CPU plan, and two-pass tiling forced by a small memory budget.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaithfulnessTests
{
    /// <summary>Small enough that every golden photo is cut into several tiles per pass.</summary>
    private const long TilingBudgetBytes = 60L << 20;

    private static readonly Dictionary<PlanStrategy, LightMapEstimator> Estimators = new();

    private static IEnumerable<TestCaseData> Cases() =>
        from golden in GoldenImage.All()
        from strategy in new[] { PlanStrategy.Whole, PlanStrategy.Banded, PlanStrategy.Tiled }
        select new TestCaseData(golden, strategy).SetArgDisplayNames(golden.Name, strategy.ToString());

    [OneTimeTearDown]
    public void DisposeEstimators()
    {
        foreach (var estimator in Estimators.Values) estimator.Dispose();
        Estimators.Clear();
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesPyTorch(GoldenImage golden, PlanStrategy strategy)
    {
        var estimator = EstimatorFor(strategy);
        var plan = estimator.Plan(golden.Height, golden.Width);
        Assert.That(plan.Strategy, Is.EqualTo(strategy));
        if (strategy == PlanStrategy.Tiled)
            Assert.That(plan.LightMapTiles, Has.Count.GreaterThan(4), "the budget must force real tiling");

        var planar = new float[3 * golden.Pixels];
        PlanarConversion.ToPlanar(golden.Rgba, planar, golden.Pixels);
        var lightMap = new float[golden.Pixels];
        estimator.Estimate(planar, golden.Height, golden.Width, lightMap, plan);

        double lightMapPsnr = ImageMetrics.Psnr(lightMap, golden.ExpectedLightMap);

        PlanarConversion.Compose(planar, lightMap, golden.Pixels);
        var enhanced = ToInterleaved(planar, golden.Pixels);
        double enhancedPsnr = ImageMetrics.Psnr(enhanced, golden.ExpectedEnhancedInterleaved);

        var rgba = (byte[])golden.Rgba.Clone();
        PlanarConversion.ToRgba(planar, rgba, golden.Pixels);
        var (equal, maxDifference) = ImageMetrics.CompareBytes(GoldenImage.DropAlpha(rgba), golden.ExpectedEnhancedRgb());

        TestContext.Out.WriteLine($"{golden.Name} {strategy}: light map {lightMapPsnr:F1} dB, enhanced {enhancedPsnr:F1} dB, 8-bit equal {equal:P3}, max diff {maxDifference}");
        Assert.Multiple(() =>
        {
            Assert.That(lightMapPsnr, Is.GreaterThanOrEqualTo(90), "light map PSNR (dB)");
            Assert.That(enhancedPsnr, Is.GreaterThanOrEqualTo(90), "enhanced float PSNR (dB)");
            Assert.That(equal, Is.GreaterThanOrEqualTo(0.995), "fraction of equal 8-bit values");
            Assert.That(maxDifference, Is.LessThanOrEqualTo(1), "largest 8-bit difference");
        });
    }

    [Test]
    public void TiledAndUntiledAgreeWithinOneLevelOnTheFullSizeGolden()
    {
        var golden = GoldenImage.All().Single(g => g.Folder.EndsWith("enhance-full"));
        var planar = new float[3 * golden.Pixels];
        PlanarConversion.ToPlanar(golden.Rgba, planar, golden.Pixels);

        byte[] Render(PlanStrategy strategy)
        {
            var copy = (float[])planar.Clone();
            var lightMap = new float[golden.Pixels];
            EstimatorFor(strategy).Estimate(copy, golden.Height, golden.Width, lightMap);
            PlanarConversion.Compose(copy, lightMap, golden.Pixels);
            var rgba = new byte[4 * golden.Pixels];
            PlanarConversion.ToRgba(copy, rgba, golden.Pixels);
            return rgba;
        }

        var (_, maxDifference) = ImageMetrics.CompareBytes(Render(PlanStrategy.Tiled), Render(PlanStrategy.Whole));
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1), "tiled output must be within 1/255 of untiled output");
    }

    private static LightMapEstimator EstimatorFor(PlanStrategy strategy)
    {
        if (!Estimators.TryGetValue(strategy, out var estimator))
        {
            var options = EnhancerOptions.Default with
            {
                Device = ExecutionDevice.Cpu,
                Strategy = strategy,
                MemoryBudgetBytes = strategy == PlanStrategy.Tiled ? TilingBudgetBytes : EnhancerOptions.Default.MemoryBudgetBytes,
            };
            estimator = new LightMapEstimator(ModelFixture.Weights, options);
            Estimators[strategy] = estimator;
        }
        return estimator;
    }

    private static float[] ToInterleaved(float[] planar, int pixels)
    {
        var interleaved = new float[3 * pixels];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < pixels; i++) interleaved[3 * i + c] = planar[c * pixels + i];
        return interleaved;
    }
}
