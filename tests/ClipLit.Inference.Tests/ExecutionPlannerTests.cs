using ClipLit.Inference.Graph;
using ClipLit.Inference.Runtime;

namespace ClipLit.Inference.Tests;

/// <summary>The tiling geometry that exactness rests on, checked exhaustively on odd sizes and budgets.</summary>
[TestFixture]
public sealed class ExecutionPlannerTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from size in new[] { (2, 2), (3, 5), (5, 3), (11, 200), (35, 35), (36, 37), (97, 131), (384, 512), (1081, 1921) }
        from budget in new[] { 1L, 200_000L, 5_000_000L, 60_000_000L, 4L << 30 }
        select new TestCaseData(size.Item1, size.Item2, budget).SetArgDisplayNames($"{size.Item2}x{size.Item1}", $"{budget} B");

    [TestCaseSource(nameof(Cases))]
    public void TiledPlanCoresPartitionTheImageAndHalosAreSafe(int height, int width, long budget)
    {
        var plan = ExecutionPlanner.Plan(height, width, PlanStrategy.Tiled, budget, preferBanded: true);
        CheckPass(plan.PoolTiles, height, width, ExecutionPlanner.PoolRadius, null);
        CheckPass(plan.LightMapTiles, height, width, ExecutionPlanner.LightMapRadius, null);
        // Runs stay within the budget, unless it is below what the smallest useful tile needs.
        long smallestTile = (long)Math.Pow(ExecutionPlanner.MinimumTileSide + 2 * ExecutionPlanner.LightMapRadius, 2)
                            * ExecutionPlanner.ActivationBytesPerPixel(BorderMode.Reflect);
        if (budget >= smallestTile)
            foreach (var tile in plan.PoolTiles.Concat(plan.LightMapTiles))
                Assert.That(tile.Region.Area * ExecutionPlanner.ActivationBytesPerPixel(tile.Border), Is.LessThanOrEqualTo(budget), tile.ToString());
    }

    [TestCase(97, 131)]
    [TestCase(36, 37)]
    [TestCase(1536, 2048)]
    public void BandedPlanCoversTheBorderBandsAndTheInterior(int height, int width)
    {
        var plan = ExecutionPlanner.Plan(height, width, PlanStrategy.Banded, 4L << 30, preferBanded: true);
        Assert.That(plan.Interior, Is.Not.Null);
        CheckPass(plan.PoolTiles, height, width, ExecutionPlanner.PoolRadius, plan.Interior!.PoolCore);
        CheckPass(plan.LightMapTiles, height, width, ExecutionPlanner.LightMapRadius, plan.Interior.LightMapCore);
        Assert.That(plan.PoolTiles.Concat(plan.LightMapTiles).All(t => t.Border == BorderMode.Reflect), "border strips pad by reflection");
    }

    [Test]
    public void AutoChoosesBandedForLargePhotosOnCpuAndTilesOverBudget()
    {
        Assert.That(ExecutionPlanner.Plan(1536, 2048, PlanStrategy.Auto, 4L << 30, preferBanded: true).Strategy, Is.EqualTo(PlanStrategy.Banded));
        Assert.That(ExecutionPlanner.Plan(1080, 1920, PlanStrategy.Auto, 4L << 30, preferBanded: false).Strategy, Is.EqualTo(PlanStrategy.Whole));
        Assert.That(ExecutionPlanner.Plan(384, 512, PlanStrategy.Auto, 4L << 30, preferBanded: true).Strategy, Is.EqualTo(PlanStrategy.Whole));
        Assert.That(ExecutionPlanner.Plan(1536, 2048, PlanStrategy.Auto, 1L << 30, preferBanded: true).Strategy, Is.EqualTo(PlanStrategy.Tiled));
        Assert.Throws<ArgumentException>(() => ExecutionPlanner.Plan(1, 5, PlanStrategy.Auto, 4L << 30, true));
    }

    /// <summary>
    /// Every pixel belongs to exactly one core; every region is its core grown by the radius and
    /// clipped to the image; zero-padded tiles keep their cores a radius away from the image border.
    /// </summary>
    private static void CheckPass(IReadOnlyList<TileSpec> tiles, int height, int width, int radius, PixelRect? interiorCore)
    {
        var cover = new int[height * width];
        void Mark(PixelRect core)
        {
            for (int y = core.Top; y < core.Bottom; y++)
                for (int x = core.Left; x < core.Right; x++) cover[y * width + x]++;
        }
        foreach (var tile in tiles)
        {
            Assert.That(tile.Core.IsEmpty, Is.False);
            Assert.That(tile.Region, Is.EqualTo(tile.Core.Expand(radius, height, width)));
            if (tile.Border == BorderMode.Zeros)
                Assert.That(tile.Core.Top >= radius && tile.Core.Left >= radius && tile.Core.Bottom <= height - radius && tile.Core.Right <= width - radius,
                    $"zero-padded core {tile.Core} is within {radius} px of the border");
            Mark(tile.Core);
        }
        if (interiorCore is { } interior) Mark(interior);
        Assert.That(cover.All(c => c == 1), $"cores do not partition the image: {cover.Count(c => c == 0)} pixels uncovered, {cover.Count(c => c > 1)} covered twice");
    }
}
