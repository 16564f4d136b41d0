namespace ClipLit.Renderer.Passes;

/// <summary>
/// How the light map predicted at the network's size reaches the frame's size.
/// Thread-safety: a value; any thread.
/// </summary>
public enum UpsampleMode : uint
{
    /// <summary>Bilinear interpolation of the light map: smooth, but halos at silhouettes.</summary>
    Bilinear = 0,

    /// <summary>Fast guided filter guided by the full-resolution frame: light-map edges follow the frame's.</summary>
    EdgeAware = 1,
}
