using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;

namespace ClipLit.Inference.Tests;

/// <summary>One golden photo: the exact input pixels and PyTorch 1.13's outputs for them.</summary>
public sealed class GoldenImage
{
    private GoldenImage(string folder, string stem)
    {
        Folder = folder;
        Stem = stem;
        using var image = StillImageReader.Read(System.IO.Path.Combine(folder, stem + ".input.png"));
        Width = image.Width;
        Height = image.Height;
        Rgba = new byte[4 * Width * Height];
        image.CopyPixelsTo(Rgba);
    }

    public string Folder { get; }

    public string Stem { get; }

    public int Width { get; }

    public int Height { get; }

    public int Pixels => Width * Height;

    public byte[] Rgba { get; }

    public string Name => $"{System.IO.Path.GetFileName(Folder)}/{Stem}";

    public float[] ExpectedLightMap => Npy.ReadFloat32(File("lightmap.npy")).Values;

    /// <summary>H x W x 3 floats in [0, 1].</summary>
    public float[] ExpectedEnhancedInterleaved => Npy.ReadFloat32(File("enhanced.npy")).Values;

    /// <summary>RGB bytes of the 8-bit reference output.</summary>
    public byte[] ExpectedEnhancedRgb()
    {
        using var image = StillImageReader.Read(File("enhanced.png"));
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        return DropAlpha(rgba);
    }

    public static byte[] DropAlpha(byte[] rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return rgb;
    }

    private string File(string suffix) => System.IO.Path.Combine(Folder, $"{Stem}.{suffix}");

    public static IEnumerable<GoldenImage> All() => SharedData.GoldenImages().Select(g => new GoldenImage(g.Folder, g.Stem));

    public override string ToString() => Name;
}
