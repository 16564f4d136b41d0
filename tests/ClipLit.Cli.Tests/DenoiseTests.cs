using ClipLit.Core.Imaging;
using ClipLit.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Cli.Tests;

/// <summary>
/// --denoise on real photos with camera-like noise of known strength (the golden 512-pixel inputs
/// with Poisson-Gaussian noise at four levels), measured against what matters: PyTorch's output of
/// the paper's network for the clean photo. Everywhere and at strong edges; and a photo without
/// added noise hardly changes.
/// </summary>
[TestFixture]
public sealed class DenoiseTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    [Test]
    public void AutoRemovesTheNoiseBrighteningShowsAndKeepsEdges()
    {
        var golden = SharedData.GoldenImages().Where(g => g.Folder.EndsWith("enhance-512", StringComparison.Ordinal)).ToList();
        string inputs = Directory.CreateDirectory(_workspace.PathOf("in")).FullName;
        int levels = SensorNoise.Levels.Length;
        foreach (var (folder, stem) in golden)
        {
            var (clean, width, height) = Rgba(Path.Combine(folder, stem + ".input.png"));
            Save(clean, width, height, Path.Combine(inputs, $"{stem}-0.png"));
            for (int level = 1; level <= levels; level++)
            {
                var (a, b) = SensorNoise.Levels[level - 1];
                Save(SensorNoise.Add(clean, a, b, seed: 17 * level), width, height, Path.Combine(inputs, $"{stem}-{level}.png"));
            }
        }
        foreach (var (name, denoise) in new[] { ("off", "off"), ("auto", "auto") })
        {
            var result = Cli.Run(Cli.WithModel("enhance", inputs, "-o", _workspace.PathOf(name), "--device", "cpu", "--denoise", denoise));
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        }

        for (int level = 0; level <= levels; level++)
        {
            var (off, on, offEdges, onEdges, unchanged) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
            foreach (var (folder, stem) in golden)
            {
                var (paper, width, height) = Rgba(Path.Combine(folder, stem + ".enhanced.png"));
                var edges = FrameMetrics.EdgeBand(Rgba(Path.Combine(folder, stem + ".input.png")).Pixels, width, height);
                var without = Rgba(_workspace.PathOf($"off/{stem}-{level}.png")).Pixels;
                var with = Rgba(_workspace.PathOf($"auto/{stem}-{level}.png")).Pixels;
                off.Add(FrameMetrics.Psnr(without, paper));
                on.Add(FrameMetrics.Psnr(with, paper));
                offEdges.Add(FrameMetrics.Psnr(without, paper, edges));
                onEdges.Add(FrameMetrics.Psnr(with, paper, edges));
                unchanged.Add(FrameMetrics.Psnr(with, without));
            }
            double gain = on.Average() - off.Average(), edgeGain = onEdges.Average() - offEdges.Average();
            TestContext.Out.WriteLine($"noise level {level}: against the paper's output of the clean photo {off.Average():F2} -> {on.Average():F2} dB ({gain:+0.00;-0.00}), "
                                      + $"at edges {offEdges.Average():F2} -> {onEdges.Average():F2} dB ({edgeGain:+0.00;-0.00}); auto against off {unchanged.Average():F2} dB");
            if (level == 0)
            {
                // Without added noise the photo's own (and its texture, which the estimate cannot tell apart) is all it touches.
                Assert.That(unchanged.Average(), Is.Not.NaN.And.GreaterThan(44), "a photo without added noise hardly changes");
                Assert.That(unchanged.Min(), Is.Not.NaN.And.GreaterThan(40), "a photo without added noise hardly changes (the most textured)");
                continue;
            }
            Assert.That(edgeGain, Is.Not.NaN.And.GreaterThan(-0.5), $"level {level}: strong edges keep");
            if (level >= levels - 1) Assert.That(gain, Is.Not.NaN.And.GreaterThan(3), $"level {level}: at least 3 dB nearer the paper's clean output");
        }
    }

    [TestCase("loud")]
    [TestCase("5")]
    [TestCase("-1")]
    public void ADenoiseThatIsNotAutoOffOrAnAmountIsOneUsageLine(string denoise)
    {
        var result = Cli.Run(Cli.WithModel("enhance", Workspace.GoldenInput, "-o", _workspace.PathOf("out.png"), "--denoise", denoise));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { $"usage error: enhance: --denoise must be auto, off or a number from 0 to 4, got '{denoise}'" }));
    }

    private static (byte[] Pixels, int Width, int Height) Rgba(string path)
    {
        using var image = Image.Load<Rgba32>(path);
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelDataTo(rgba);
        return (rgba, image.Width, image.Height);
    }

    private static void Save(byte[] rgba, int width, int height, string path)
    {
        using var image = Image.LoadPixelData<Rgba32>(rgba, width, height);
        image.SaveAsPng(path);
    }
}
