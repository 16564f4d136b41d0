using ClipLit.Inference.Imaging;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Cli.Tests;

/// <summary>What a user gets from <c>cliplit enhance</c>: faithful results in every format, names kept, pixels kept where they should be.</summary>
[TestFixture]
public sealed class EnhanceTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    [Test]
    public void GoldenPhotoThroughTheCommandLineEqualsPyTorchsOutput()
    {
        string input = Workspace.GoldenInput;
        string output = _workspace.PathOf("enhanced.png");
        var result = Cli.Run(Cli.WithModel("enhance", input, "-o", output));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());

        using var actual = Image.Load<Rgb24>(output);
        using var expected = Image.Load<Rgb24>(input.Replace(".input.png", ".enhanced.png"));
        var (equal, maxDifference) = ImageMetrics.CompareBytes(RgbBytes(actual), RgbBytes(expected));
        Assert.That(equal, Is.GreaterThanOrEqualTo(0.995));
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void FolderOfMixedFormatsKeepsNamesAndFormats()
    {
        string inputs = Directory.CreateDirectory(_workspace.PathOf("in")).FullName;
        var names = new[] { "a.png", "b.jpg", "c.bmp", "d.tif", "e.webp" };
        foreach (string name in names) File.Move(_workspace.Photo(name), Path.Combine(inputs, name));
        File.WriteAllText(Path.Combine(inputs, "readme.txt"), "not a photo");
        string output = _workspace.PathOf("out");

        var result = Cli.Run(Cli.WithModel("enhance", inputs, "-o", output));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Does.Contain("processed 5, skipped 1, failed 0"));
        foreach (string name in names)
        {
            string written = Path.Combine(output, name);
            Assert.That(File.Exists(written), name);
            var format = Image.DetectFormat(written);
            Assert.That(format.FileExtensions, Does.Contain(Path.GetExtension(name).TrimStart('.')), name);
        }
    }

    [Test]
    public void PatternInputsAreExpanded()
    {
        _workspace.Photo("one.png");
        _workspace.Photo("two.png");
        _workspace.Photo("skip.jpg");
        var result = Cli.Run(Cli.WithModel("enhance", Path.Combine(_workspace.Root, "*.png"), "-o", _workspace.PathOf("out/")));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Directory.GetFiles(_workspace.PathOf("out")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "one.png", "two.png" }));
    }

    [Test]
    public void AlphaPassesThroughAndColourMatchesTheOpaqueResult()
    {
        string opaque = _workspace.Photo("opaque.png");
        string transparent = _workspace.PathOf("transparent.png");
        using (var image = Image.Load<Rgba32>(opaque))
        {
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++) row[x].A = (byte)((x * 7 + y * 3) % 256);
                }
            });
            image.Save(transparent, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        }

        Assert.That(Cli.Run(Cli.WithModel("enhance", opaque, transparent, "-o", _workspace.PathOf("out/"))).ExitCode, Is.EqualTo(0));

        using var source = Image.Load<Rgba32>(transparent);
        using var withAlpha = Image.Load<Rgba32>(_workspace.PathOf("out/transparent.png"));
        using var reference = Image.Load<Rgba32>(_workspace.PathOf("out/opaque.png"));
        for (int y = 0; y < source.Height; y++)
            for (int x = 0; x < source.Width; x++)
            {
                Assert.That(withAlpha[x, y].A, Is.EqualTo(source[x, y].A), $"alpha at {x},{y}");
                Assert.That(withAlpha[x, y].Rgb, Is.EqualTo(reference[x, y].Rgb), $"colour at {x},{y}");
            }
    }

    [Test]
    public void GreyscaleStaysGreyscale()
    {
        string grey = _workspace.PathOf("grey.png");
        using (var image = Image.Load<L8>(_workspace.Photo("colour.png"))) image.Save(grey, new PngEncoder { ColorType = PngColorType.Grayscale });

        Assert.That(Cli.Run(Cli.WithModel("enhance", grey, "-o", _workspace.PathOf("grey_out.png"))).ExitCode, Is.EqualTo(0));

        var info = Image.Identify(_workspace.PathOf("grey_out.png"));
        Assert.That(info.Metadata.GetPngMetadata().ColorType, Is.EqualTo(PngColorType.Grayscale));
        using var input = Image.Load<L8>(grey);
        using var output = Image.Load<L8>(_workspace.PathOf("grey_out.png"));
        Assert.That(Mean(output), Is.GreaterThan(Mean(input) + 5), "the backlit photo is brightened");
    }

    [Test]
    public void SixteenBitPngKeepsSixteenBitPrecision()
    {
        string deep = _workspace.PathOf("deep.png");
        using (var image = Image.Load<Rgb48>(_workspace.Photo("eight.png")))
        {
            // Give the low byte real content, so a silent reduction to 8 bits would show.
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++) row[x] = new Rgb48((ushort)(row[x].R + x), (ushort)(row[x].G + y), row[x].B);
                }
            });
            image.Save(deep, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });
        }

        var result = Cli.Run(Cli.WithModel("enhance", deep, "-o", _workspace.PathOf("deep_out.png")));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Image.Identify(_workspace.PathOf("deep_out.png")).Metadata.GetPngMetadata().BitDepth, Is.EqualTo(PngBitDepth.Bit16));

        // The written values equal the network applied to the 16-bit input and rounded to 16 bits.
        using var input = Image.Load<Rgba64>(deep);
        using var output = Image.Load<Rgba64>(_workspace.PathOf("deep_out.png"));
        int pixels = input.Width * input.Height;
        var rgba = new ushort[4 * pixels];
        input.CopyPixelDataTo(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, Rgba64>(rgba.AsSpan()));
        var planar = new float[3 * pixels];
        PlanarConversion.ToPlanar(rgba, planar, pixels);
        var lightMap = new float[pixels];
        using (var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint), EnhancerOptions.Default with { Device = ExecutionDevice.Cpu }))
            estimator.Estimate(planar, input.Height, input.Width, lightMap);
        PlanarConversion.Compose(planar, lightMap, pixels);
        PlanarConversion.ToRgba(planar, rgba, pixels);
        var written = new ushort[4 * pixels];
        output.CopyPixelDataTo(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, Rgba64>(written.AsSpan()));
        int maxDifference = written.Zip(rgba).Max(p => Math.Abs(p.First - p.Second));
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1), "16-bit output differs from the 16-bit computation");
        Assert.That(written.Where((_, i) => i % 4 != 3).Any(v => v % 257 != 0), "values are not merely 8-bit values scaled up");
    }

    [Test]
    public void OnnxModelGivesTheSameResultAsTheCheckpoint()
    {
        string model = _workspace.PathOf("model.onnx");
        Assert.That(Cli.Run("export", "--checkpoint", SharedData.EnhancementCheckpoint, "-o", model, "--size", "64x48").ExitCode, Is.EqualTo(0));
        string photo = _workspace.Photo("photo.png", 80, 60);

        Assert.That(Cli.Run(Cli.WithModel("enhance", photo, "-o", _workspace.PathOf("from_pth.png"))).ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("enhance", photo, "-o", _workspace.PathOf("from_onnx.png"), "--model", model).ExitCode, Is.EqualTo(0));

        Assert.That(File.ReadAllBytes(_workspace.PathOf("from_onnx.png")), Is.EqualTo(File.ReadAllBytes(_workspace.PathOf("from_pth.png"))),
            "an .onnx exported at one size serves other sizes with identical results");
    }

    [Test]
    public void SkipExistingLeavesExistingOutputsAlone()
    {
        string photo = _workspace.Photo("photo.png");
        string output = _workspace.PathOf("out/photo.png");
        Directory.CreateDirectory(_workspace.PathOf("out"));
        File.WriteAllText(output, "earlier result");
        var result = Cli.Run(Cli.WithModel("enhance", photo, "-o", _workspace.PathOf("out/"), "--skip-existing"));
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Error, Does.Contain("processed 0, skipped 1, failed 0"));
        Assert.That(File.ReadAllText(output), Is.EqualTo("earlier result"));
    }

    [Test]
    public void CancellingLeavesNoPartialOutput()
    {
        string large = Path.Combine(SharedData.BacklitPhotos, "110_51093502029_o.jpg");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        var result = Cli.Run(cancellation.Token, Cli.WithModel("enhance", large, "-o", _workspace.PathOf("out.jpg")));
        Assert.That(result.ExitCode, Is.EqualTo(130), result.ToString());
        Assert.That(File.Exists(_workspace.PathOf("out.jpg")), Is.False);
        Assert.That(_workspace.PartialFiles(), Is.Empty);
    }

    private static byte[] RgbBytes(Image<Rgb24> image)
    {
        var bytes = new byte[3 * image.Width * image.Height];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    private static double Mean(Image<L8> image)
    {
        long sum = 0;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y)) sum += p.PackedValue;
        });
        return (double)sum / (image.Width * image.Height);
    }
}
