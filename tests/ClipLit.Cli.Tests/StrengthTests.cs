using ClipLit.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Cli.Tests;

/// <summary>
/// --strength: 0 gives the input back exactly, 1 the paper's output exactly, values between and
/// above divide by the light map raised to the strength (checked against PyTorch's own light map),
/// and anything else is one usage line.
/// </summary>
[TestFixture]
public sealed class StrengthTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    private static IReadOnlyList<(string Folder, string Stem)> Golden() =>
        SharedData.GoldenImages().Where(g => g.Folder.EndsWith("enhance-512", StringComparison.Ordinal)).Take(3).ToList();

    private string[] Enhance(string output, params string[] more) =>
        Cli.WithModel(["enhance", .. Golden().Select(g => Path.Combine(g.Folder, g.Stem + ".input.png")), "-o", output, "--device", "cpu", .. more]);

    [Test]
    public void StrengthZeroIsTheInputAndOneIsThePapersOutput()
    {
        string none = _workspace.PathOf("none"), paper = _workspace.PathOf("paper"), byDefault = _workspace.PathOf("default");
        foreach (var (folder, args) in new[] { (none, new[] { "--strength", "0" }), (paper, new[] { "--strength", "1" }), (byDefault, Array.Empty<string>()) })
        {
            var result = Cli.Run(Enhance(folder, args));
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        }
        foreach (var (folder, stem) in Golden())
        {
            string name = stem + ".input.png";
            var input = Rgba(Path.Combine(folder, name));
            Assert.That(Rgba(Path.Combine(none, name)).SequenceEqual(input), $"{stem}: strength 0 is the input exactly");
            var written = Rgba(Path.Combine(paper, name));
            Assert.That(written.SequenceEqual(Rgba(Path.Combine(byDefault, name))), $"{stem}: strength 1 is the default output exactly");
            var (_, worst) = ImageMetrics.CompareBytes(written, Rgba(Path.Combine(folder, stem + ".enhanced.png")));
            Assert.That(worst, Is.LessThanOrEqualTo(1), $"{stem}: strength 1 is PyTorch's output within one level");
        }
    }

    [Test]
    public void SixteenBitPhotosComeBackExactlyAtStrengthZero()
    {
        string deep = _workspace.PathOf("deep.png");
        using (var image = Image.Load<Rgb48>(Workspace.GoldenInput))
        {
            // Low bytes with content of their own, so a round trip through 8 bits would show.
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++) row[x] = new Rgb48((ushort)(row[x].R | (x & 0xFF)), (ushort)(row[x].G | (y & 0xFF)), row[x].B);
                }
            });
            image.Save(deep, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });
        }
        var result = Cli.Run(Cli.WithModel("enhance", deep, "-o", _workspace.PathOf("out.png"), "--strength", "0", "--device", "cpu"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        using var input = Image.Load<Rgba64>(deep);
        using var output = Image.Load<Rgba64>(_workspace.PathOf("out.png"));
        var (a, b) = (new Rgba64[input.Width * input.Height], new Rgba64[output.Width * output.Height]);
        input.CopyPixelDataTo(a);
        output.CopyPixelDataTo(b);
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void BetweenAndAboveOneTheLightMapIsRaisedToTheStrength()
    {
        // I / L^S with PyTorch's own light map of each photo, against what enhance writes.
        foreach (float strength in new[] { 0.5f, 1.5f })
        {
            string output = _workspace.PathOf($"s{strength}");
            var result = Cli.Run(Enhance(output, "--strength", strength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            foreach (var (folder, stem) in Golden())
            {
                var input = Rgba(Path.Combine(folder, stem + ".input.png"));
                var light = Npy.ReadFloat32(Path.Combine(folder, stem + ".lightmap.npy")).Values;
                var expected = new byte[input.Length];
                for (int i = 0; i < input.Length; i++)
                {
                    if (i % 4 == 3)
                    {
                        expected[i] = input[i];
                        continue;
                    }
                    double v = input[i] / 255.0 / Math.Pow(light[i / 4], strength);
                    expected[i] = (byte)Math.Floor(Math.Clamp(double.IsNaN(v) ? 0 : v, 0, 1) * 255 + 0.5);
                }
                var written = Rgba(Path.Combine(output, stem + ".input.png"));
                var (equal, worst) = ImageMetrics.CompareBytes(written, expected);
                TestContext.Out.WriteLine($"strength {strength}, {stem}: {equal:P3} of the channels equal, worst {worst}");
                Assert.That(worst, Is.LessThanOrEqualTo(1), $"strength {strength}, {stem}");
                Assert.That(equal, Is.GreaterThan(0.99), $"strength {strength}, {stem}");
            }
        }
    }

    [TestCase("2.5")]
    [TestCase("-0.1")]
    [TestCase("NaN")]
    [TestCase("strong")]
    public void AStrengthOutsideZeroToTwoIsOneUsageLine(string strength)
    {
        string output = _workspace.PathOf("out.png");
        var result = Cli.Run(Cli.WithModel("enhance", Workspace.GoldenInput, "-o", output, "--strength", strength));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { $"usage error: enhance: --strength must be a number from 0 to 2, got '{strength}'" }));
        Assert.That(File.Exists(output), Is.False);
    }

    private static byte[] Rgba(string path)
    {
        using var image = Image.Load<Rgba32>(path);
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelDataTo(rgba);
        return rgba;
    }
}
