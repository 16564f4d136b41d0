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
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint), EnhancerOptions.Default with { Device = ExecutionDevice.Cpu });
        var (rgba, width, height) = Read(Path.Combine(folder, stem + ".input.png"));
        new PhotoRenderer(device, estimator).Enhance(rgba, width, height, CancellationToken.None);
        var (expected, _, _) = Read(Path.Combine(folder, stem + ".enhanced.png"));

        var (equal, maxDifference) = ImageMetrics.CompareBytes(rgba, expected);
        TestContext.Out.WriteLine($"{stem}: {equal:P3} equal, max difference {maxDifference}");
        Assert.That(equal, Is.GreaterThanOrEqualTo(0.995));
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1));
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    private static (byte[] Rgba, int Width, int Height) Read(string path)
    {
        using var image = StillImageReader.Read(path);
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        return (rgba, image.Width, image.Height);
    }
}
