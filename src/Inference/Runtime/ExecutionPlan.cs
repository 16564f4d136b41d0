using ClipLit.Inference.Graph;

namespace ClipLit.Inference.Runtime;

/// <summary>How an image's light map is computed.</summary>
public enum PlanStrategy
{
    /// <summary>Let the planner choose from the image size, the device and the memory budget.</summary>
    Auto,

    /// <summary>The paper's network on the whole image in one run (reflection padding everywhere).</summary>
    Whole,

    /// <summary>
    /// One zero-padded run over the whole image, exact away from the borders, plus thin reflection
    /// padded strips along the borders that make the border band exact. Fastest on CPU for
    /// larger images.
    /// </summary>
    Banded,

    /// <summary>Two passes over tiles whose activations fit the memory budget (pool sums, then light map).</summary>
    Tiled,
}

/// <summary>
/// One network run over part of the image.
/// <paramref name="Region"/> is what the network sees: the core plus a halo of real neighbour
/// pixels, clipped to the image. <paramref name="Core"/> is where its result is exact and used.
/// </summary>
public sealed record TileSpec(PixelRect Core, PixelRect Region, BorderMode Border);

/// <summary>
/// The banded plan's single interior run: a zero-padded LightMap graph over <paramref name="Region"/>
/// that adds its own pool sums over <paramref name="PoolCore"/> to the border strips' sums and
/// yields an exact light map over <paramref name="LightMapCore"/>.
/// </summary>
public sealed record InteriorRun(PixelRect Region, PixelRect PoolCore, PixelRect LightMapCore);

/// <summary>
/// What to run, in order: <see cref="PoolTiles"/> (pass 1; sums added up), then
/// <see cref="Interior"/> if any, then <see cref="LightMapTiles"/> (pass 2). The cores of the pool
/// tiles (plus the interior's pool core) partition the image, as do the cores of the light-map tiles
/// (plus the interior's light-map core).
/// </summary>
public sealed record ExecutionPlan(
    PlanStrategy Strategy,
    int Height,
    int Width,
    IReadOnlyList<TileSpec> PoolTiles,
    InteriorRun? Interior,
    IReadOnlyList<TileSpec> LightMapTiles);
