using ClipLit.Inference.Model;
using ClipLit.Inference.Graph;

namespace ClipLit.Inference.Runtime;

/// <summary>
/// Chooses how to compute a light map for an image size: one run, the banded CPU plan, or exact
/// two-pass tiling under a memory budget. Everything here is integer geometry; nothing runs.
///
/// Why tiling is exact: every layer is a 3x3 convolution or pointwise except the pyramid pooling
/// module, whose adaptive average pools need image-wide sums. Before the module the network sees
/// <see cref="EnhancementArchitecture.HeadRadius"/> pixels around each output, after it
/// <see cref="EnhancementArchitecture.TailRadius"/>. So pass 1 computes the pool sums tile by tile
/// (core plus a halo of the head radius), and pass 2 computes the light map tile by tile (core plus
/// a halo of both radii) from the image-wide sums. Padding at a tile edge inside the image only
/// disturbs the halo; at the image's true borders the graph must pad by reflection as the paper
/// does, which is why tiles near a border use <see cref="BorderMode.Reflect"/> graphs and the rest
/// the faster <see cref="BorderMode.Zeros"/> graphs.
/// Thread-safety: stateless.
/// </summary>
public static class ExecutionPlanner
{
    /// <summary>Halo of pass 1 (pool sums).</summary>
    public const int PoolRadius = EnhancementArchitecture.HeadRadius;

    /// <summary>Halo of pass 2 (light map).</summary>
    public const int LightMapRadius = EnhancementArchitecture.HeadRadius + EnhancementArchitecture.TailRadius;

    /// <summary>
    /// Peak memory per pixel of one run with ONNX Runtime's CPU provider, rounded up from
    /// measurements at 2048x1536 (docs/benchmarks.md: 4.3 GiB for the reflection-padded Whole plan,
    /// 3.6 GiB for a whole `cliplit enhance` process on the banded plan). The reflection-padded
    /// graph keeps padded copies alive; the zero-padded one does not. Keeps runs under the budget.
    /// </summary>
    public static long ActivationBytesPerPixel(BorderMode border) => border == BorderMode.Reflect ? 1400 : 1100;

    /// <summary>
    /// The banded plan pays fixed costs (two more graphs, border strips of ~2·17 px); below this
    /// many pixels one reflection-padded run is as fast.
    /// </summary>
    public const long BandedMinimumPixels = 1_000_000;

    /// <summary>Smallest tile core side the tiled plan uses, however small the budget.</summary>
    public const int MinimumTileSide = 32;

    /// <summary>Plans the light map of a <paramref name="height"/> x <paramref name="width"/> image.</summary>
    public static ExecutionPlan Plan(int height, int width, PlanStrategy strategy, long memoryBudgetBytes, bool preferBanded)
    {
        if (height < EnhancementArchitecture.MinimumSide || width < EnhancementArchitecture.MinimumSide)
            throw new ArgumentException($"{width}x{height} is smaller than the network's minimum of 2x2 pixels");

        long pixels = (long)height * width;
        if (strategy == PlanStrategy.Auto)
        {
            bool fitsWhole = pixels * ActivationBytesPerPixel(BorderMode.Reflect) <= memoryBudgetBytes;
            bool fitsBanded = pixels * ActivationBytesPerPixel(BorderMode.Zeros) <= memoryBudgetBytes;
            bool bandedWorthIt = preferBanded && pixels >= BandedMinimumPixels && HasInterior(height, width, LightMapRadius);
            strategy = bandedWorthIt && fitsBanded ? PlanStrategy.Banded : fitsWhole ? PlanStrategy.Whole : PlanStrategy.Tiled;
        }

        return strategy switch
        {
            PlanStrategy.Whole => new ExecutionPlan(PlanStrategy.Whole, height, width, [], null, []),
            PlanStrategy.Banded => PlanBanded(height, width),
            PlanStrategy.Tiled => PlanTiled(height, width, memoryBudgetBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
        };
    }

    private static bool HasInterior(int height, int width, int radius) => height > 2 * radius && width > 2 * radius;

    private static ExecutionPlan PlanBanded(int height, int width)
    {
        if (!HasInterior(height, width, LightMapRadius))
            throw new ArgumentException($"{width}x{height} is too small for the banded plan (needs more than {2 * LightMapRadius} pixels per side)");
        var image = new PixelRect(0, 0, height, width);
        var interior = new InteriorRun(
            image,
            Inset(image, PoolRadius),
            Inset(image, LightMapRadius));
        return new ExecutionPlan(
            PlanStrategy.Banded, height, width,
            BorderStrips(height, width, PoolRadius, long.MaxValue),
            interior,
            BorderStrips(height, width, LightMapRadius, long.MaxValue));
    }

    private static ExecutionPlan PlanTiled(int height, int width, long memoryBudgetBytes)
    {
        return new ExecutionPlan(
            PlanStrategy.Tiled, height, width,
            Partition(height, width, PoolRadius, memoryBudgetBytes),
            null,
            Partition(height, width, LightMapRadius, memoryBudgetBytes));
    }

    /// <summary>Tiles whose cores partition the image: reflection-padded strips along the borders and a zero-padded grid inside.</summary>
    private static List<TileSpec> Partition(int height, int width, int radius, long memoryBudgetBytes)
    {
        var image = new PixelRect(0, 0, height, width);
        long reflectPixels = Math.Max(memoryBudgetBytes / ActivationBytesPerPixel(BorderMode.Reflect), 1);
        long zeroPixels = Math.Max(memoryBudgetBytes / ActivationBytesPerPixel(BorderMode.Zeros), 1);

        if (!HasInterior(height, width, radius))
            return Grid(image, radius, reflectPixels, height, width, BorderMode.Reflect);

        var tiles = BorderStrips(height, width, radius, reflectPixels);
        tiles.AddRange(Grid(Inset(image, radius), radius, zeroPixels, height, width, BorderMode.Zeros));
        return tiles;
    }

    /// <summary>The band of width <paramref name="radius"/> along the borders as reflection-padded strips, cut to fit the budget.</summary>
    private static List<TileSpec> BorderStrips(int height, int width, int radius, long maxRegionPixels)
    {
        var strips = new[]
        {
            new PixelRect(0, 0, radius, width),
            new PixelRect(height - radius, 0, radius, width),
            new PixelRect(radius, 0, height - 2 * radius, radius),
            new PixelRect(radius, width - radius, height - 2 * radius, radius),
        };
        return strips.SelectMany(s => Grid(s, radius, maxRegionPixels, height, width, BorderMode.Reflect)).ToList();
    }

    /// <summary>Splits <paramref name="area"/> into near-equal cores whose halo-expanded regions stay under <paramref name="maxRegionPixels"/>.</summary>
    private static List<TileSpec> Grid(PixelRect area, int radius, long maxRegionPixels, int height, int width, BorderMode border)
    {
        var tiles = new List<TileSpec>();
        if (area.IsEmpty) return tiles;

        int rows = 1, cols = 1;
        while (true)
        {
            int cellHeight = CeilDiv(area.Height, rows), cellWidth = CeilDiv(area.Width, cols);
            long regionPixels = (long)Math.Min(cellHeight + 2 * radius, height) * Math.Min(cellWidth + 2 * radius, width);
            bool atMinimum = cellHeight <= MinimumTileSide && cellWidth <= MinimumTileSide;
            if (regionPixels <= maxRegionPixels || atMinimum) break;
            // Split the longer cell side next, keeping cells near square (less halo per core pixel).
            if (cellHeight >= cellWidth && cellHeight > MinimumTileSide) rows++; else cols++;
        }

        for (int r = 0; r < rows; r++)
        {
            int top = area.Top + (int)((long)area.Height * r / rows);
            int bottom = area.Top + (int)((long)area.Height * (r + 1) / rows);
            for (int c = 0; c < cols; c++)
            {
                int left = area.Left + (int)((long)area.Width * c / cols);
                int right = area.Left + (int)((long)area.Width * (c + 1) / cols);
                var core = new PixelRect(top, left, bottom - top, right - left);
                if (!core.IsEmpty) tiles.Add(new TileSpec(core, core.Expand(radius, height, width), border));
            }
        }
        return tiles;
    }

    private static PixelRect Inset(PixelRect rect, int by) =>
        new(rect.Top + by, rect.Left + by, rect.Height - 2 * by, rect.Width - 2 * by);

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
