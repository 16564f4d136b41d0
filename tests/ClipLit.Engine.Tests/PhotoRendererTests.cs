using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;

namespace ClipLit.Engine.Tests;

/// <summary>The foundation's faithfulness through the frame engine's shaders: every golden photo equals PyTorch's output.</summary>
[TestFixture]
public sealed class PhotoRendererTests
{
    private static IEnumerable<TestCaseData> Goldens() =>
        SharedData.GoldenImages().Select(g => new TestCaseData(g.Folder, g.Stem).SetArgDisplayNames($"{Path.GetFileName(g.Folder)}/{g.Stem}"));

    [TestCaseSource(nameof(Goldens))]
    public void ShaderPathEqualsPyTorch(string folder, string stem)
    {
        using var session = CpuSession();
        var (rgba, width, height) = Read(Path.Combine(folder, stem + ".input.png"));
        session.Stills.Enhance(rgba, width, height, CancellationToken.None);
        var (expected, _, _) = Read(Path.Combine(folder, stem + ".enhanced.png"));

        var (equal, maxDifference) = ImageMetrics.CompareBytes(rgba, expected);
        TestContext.Out.WriteLine($"{stem}: {equal:P3} equal, max difference {maxDifference}");
        Assert.That(equal, Is.GreaterThanOrEqualTo(0.995));
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1));
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));
    }

    [Test]
    public void ASessionReusesItsFramePathAcrossPhotosWithoutCarryingAnythingOver()
    {
        // Photos of one size share a frame path (pipelines, buffers, the light map's history); each must still equal a fresh run.
        var goldens = SharedData.GoldenImages().Select(g => Read(Path.Combine(g.Folder, g.Stem + ".input.png")))
            .DistinctBy(photo => (photo.Width, photo.Height)).Take(2).ToList();
        Assert.That(goldens, Has.Count.EqualTo(2), "two golden photos of different sizes");
        byte[] Fresh((byte[] Rgba, int Width, int Height) photo)
        {
            using var fresh = CpuSession();
            var pixels = (byte[])photo.Rgba.Clone();
            fresh.Stills.Enhance(pixels, photo.Width, photo.Height, CancellationToken.None);
            return pixels;
        }
        var expected = goldens.Select(Fresh).ToList();

        using var session = CpuSession();
        foreach (int index in new[] { 0, 0, 1, 0 })
        {
            var pixels = (byte[])goldens[index].Rgba.Clone();
            session.Stills.Enhance(pixels, goldens[index].Width, goldens[index].Height, CancellationToken.None);
            Assert.That(pixels, Is.EqualTo(expected[index]), $"photo {index} through the shared session");
        }
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));
    }

    private static EnhancerSession CpuSession() =>
        new(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)), EnhancerOptions.Default with { Device = ExecutionDevice.Cpu },
            new VkDeviceOptions(VkValidation.Required, null));

    private static (byte[] Rgba, int Width, int Height) Read(string path)
    {
        using var image = StillImageReader.Read(path);
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        return (rgba, image.Width, image.Height);
    }
}
