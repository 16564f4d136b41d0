using ClipLit.TestSupport;
using static TorchSharp.torch;

namespace ClipLit.Trainer.Tests;

/// <summary>The CLIP fixtures of ../shared/golden/clip as tensors, and the relative-error check they are held to.</summary>
internal static class ClipGolden
{
    public const double Tolerance = 1e-4;

    public static string Path(string name) => SharedData.Path("golden", "clip", name);

    /// <summary>A float32 fixture (<c>name</c>.npy) with its shape.</summary>
    public static Tensor Floats(string name)
    {
        var array = Npy.ReadFloat32(Path(name + ".npy"));
        return tensor(array.Values, array.Shape);
    }

    /// <summary>An int64 fixture (token ids, labels) with its shape.</summary>
    public static Tensor Longs(string name)
    {
        var array = Npy.ReadInt64(Path(name + ".npy"));
        return tensor(array.Values, array.Shape);
    }

    /// <summary>Same shape, and the largest difference at most <see cref="Tolerance"/> of the expected values' largest magnitude.</summary>
    public static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape), $"{what}: shape");
        double scale = Math.Max(expected.abs().max().item<float>(), 1e-12);
        double worst = (actual - expected).abs().max().item<float>() / scale;
        TestContext.Out.WriteLine($"{what}: max relative difference {worst:E2}");
        Assert.That(worst, Is.Not.NaN.And.LessThanOrEqualTo(Tolerance), what);
    }
}
