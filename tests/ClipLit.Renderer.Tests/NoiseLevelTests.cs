using System.Runtime.InteropServices;
using ClipLit.Core.Imaging;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;

namespace ClipLit.Renderer.Tests;

/// <summary>
/// The noise model estimated from a frame, on real photos (the golden 512-pixel inputs) with
/// Poisson-Gaussian noise of known strength added, and on the photos as they are.
/// </summary>
[TestFixture]
public sealed class NoiseLevelTests
{
    [Test]
    public void TheEstimateFollowsTheNoiseAddedToRealPhotos()
    {
        foreach (var (folder, stem) in SharedData.GoldenImages().Where(g => g.Folder.EndsWith("enhance-512", StringComparison.Ordinal)))
        {
            using var photo = StillImageReader.Read(Path.Combine(folder, stem + ".input.png"));
            var rgba = new byte[4 * photo.Width * photo.Height];
            photo.CopyPixelsTo(rgba);
            var clean = Estimate(rgba, photo.Width, photo.Height);
            TestContext.Out.WriteLine($"{stem}: as it is, {255 * clean.Sigma(0.1f):F2} levels at luma 0.1, {255 * clean.Sigma(0.5f):F2} at 0.5");
            Assert.That(255 * clean.Sigma(0.1f), Is.Not.NaN.And.LessThan(2.0), $"{stem}: a photo's own texture is not taken for much noise");
            foreach (var (a, b) in SensorNoise.Levels.Skip(1))
            {
                var noise = Estimate(SensorNoise.Add(rgba, a, b, seed: stem.Length), photo.Width, photo.Height);
                foreach (float luma in new[] { 0.1f, 0.5f })
                {
                    // What the photo had already (its own noise, and texture the operator cannot tell from it) adds in quadrature.
                    double added = Math.Sqrt(a * luma + b), truth = Math.Sqrt(added * added + Math.Pow(clean.Sigma(luma), 2)), estimate = noise.Sigma(luma);
                    TestContext.Out.WriteLine($"{stem}, a {a}: at luma {luma} {255 * estimate:F2} levels, added {255 * added:F2}, with the photo's own {255 * truth:F2}");
                    Assert.That(estimate / truth, Is.InRange(0.6, 1.4), $"{stem}, noise ({a}, {b}), luma {luma}");
                }
            }
        }
    }

    [Test]
    public void AFrameTooSmallOrFlatHasNone()
    {
        Assert.That(NoiseLevel.Estimate(new uint[4], 2, 2, 8).IsNone);
        var flat = Enumerable.Repeat(0xFF404040u, 64 * 64).ToArray();
        Assert.That(NoiseLevel.Estimate(flat, 64, 64, 8).Sigma(0.25f), Is.EqualTo(0f));
    }

    private static NoiseModel Estimate(byte[] rgba, int width, int height) =>
        NoiseLevel.Estimate(MemoryMarshal.Cast<byte, uint>(rgba.AsSpan()), width, height, 8);
}
