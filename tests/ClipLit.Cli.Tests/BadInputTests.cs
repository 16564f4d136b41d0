using ClipLit.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Cli.Tests;

/// <summary>
/// Every kind of bad input: a one-line error naming the file, the right exit code, the rest of the
/// batch still processed, and no partial file under a final name.
/// </summary>
[TestFixture]
public sealed class BadInputTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    private static IEnumerable<TestCaseData> BadFiles()
    {
        yield return new TestCaseData("missing.png", null, "no such file").SetName("MissingFile");
        yield return new TestCaseData("zero.png", Array.Empty<byte>(), "empty file (0 bytes)").SetName("ZeroByteFile");
        yield return new TestCaseData("notes.jpg", "these are my holiday notes, not a photo\n"u8.ToArray(), "not a PNG, JPEG, BMP, TIFF or WebP image").SetName("TextFileNamedJpg");
        yield return new TestCaseData("cut.jpg", TruncatedJpeg(), "truncated JPEG").SetName("TruncatedJpeg");
        yield return new TestCaseData("cut.png", Truncated(File.ReadAllBytes(Workspace.GoldenInput)), "truncated PNG").SetName("TruncatedPng");
        yield return new TestCaseData("dot.png", PngOfSize(1, 1), "too small (1x1)").SetName("OneByOnePixel");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void BadFileFailsAloneWithAOneLineErrorNamingIt(string name, byte[]? content, string problem)
    {
        string good1 = _workspace.Photo("a_good.png");
        string bad = content is null ? _workspace.PathOf(name) : _workspace.Write(name, content);
        string good2 = _workspace.Photo("z_good.jpg");
        string output = _workspace.PathOf("out") + "/";

        var result = Cli.Run(Cli.WithModel("enhance", good1, bad, good2, "-o", output));

        Assert.That(result.ExitCode, Is.EqualTo(1), "some inputs failed");
        var errors = result.ErrorLines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.Contain(bad).And.Contain(problem));
        Assert.That(File.Exists(Path.Combine(output, "a_good.png")), "the photo before the bad one is enhanced");
        Assert.That(File.Exists(Path.Combine(output, "z_good.jpg")), "the photo after the bad one is enhanced");
        Assert.That(File.Exists(Path.Combine(output, name)), Is.False, "nothing is written for the bad file");
        Assert.That(_workspace.PartialFiles(), Is.Empty);
        Assert.That(result.Error, Does.Contain("processed 2, skipped 0, failed 1"));
    }

    [Test]
    public void ALineBreakInABadFilesNameStaysInItsOneErrorLine()
    {
        // Names come from outside: a line break in one must not split the error (a log reader counts lines).
        string bad = _workspace.Write("holiday\nnotes.png", "not a photo\n"u8.ToArray());
        var result = Cli.Run(Cli.WithModel("enhance", bad, "-o", _workspace.PathOf("out") + "/"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        var errors = result.ErrorLines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), result.ToString());
        Assert.That(errors[0], Does.Contain(Path.Combine(_workspace.Root, "holiday\\nnotes.png")).And.Contain("not a PNG, JPEG"), "the name shown with its line break escaped");
        Assert.That(result.ErrorLines, Has.None.StartWith("notes.png"), "no line starts with the rest of the name");
    }

    [Test]
    public void ThreeByFivePhotoIsEnhanced()
    {
        string tiny = _workspace.Photo("tiny.png", width: 3, height: 5);
        var result = Cli.Run(Cli.WithModel("enhance", tiny, "-o", _workspace.PathOf("tiny_out.png")));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        using var output = Image.Load<Rgba32>(_workspace.PathOf("tiny_out.png"));
        Assert.That((output.Width, output.Height), Is.EqualTo((3, 5)));
    }

    [Test]
    public void OutputEqualToTheInputIsRefusedAndTheInputIsUntouched()
    {
        string photo = _workspace.Photo("photo.png");
        byte[] before = File.ReadAllBytes(photo);

        var direct = Cli.Run(Cli.WithModel("enhance", photo, "-o", photo));
        var viaFolder = Cli.Run(Cli.WithModel("enhance", _workspace.Root, "-o", _workspace.Root));

        foreach (var result in new[] { direct, viaFolder })
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Error, Does.Contain($"error: {photo}").And.Contain("is the input itself"));
        }
        Assert.That(File.ReadAllBytes(photo), Is.EqualTo(before));
        Assert.That(_workspace.PartialFiles(), Is.Empty);
    }

    [Test]
    public void UnwritableOutputFolderFailsEveryPhotoClearly()
    {
        string photo = _workspace.Photo("photo.png");
        // /proc refuses new folders even to root, so this holds however the tests run.
        var result = Cli.Run(Cli.WithModel("enhance", photo, "-o", "/proc/cliplit-cannot-write-here/"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
            Does.Contain(photo).And.Contain("cannot create output folder /proc/cliplit-cannot-write-here/"));
    }

    [Test]
    public void CheckpointOfAnotherArchitectureIsRefusedNamingItsTensors()
    {
        string photo = _workspace.Photo("photo.png");
        string clip = SharedData.Path("golden", "clip", "rn_tiny.state_dict.pth");
        var result = Cli.Run("enhance", photo, "-o", _workspace.PathOf("out.png"), "--model", clip);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        string error = result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.That(error, Does.Contain(clip).And.Contain("not a CLIP-LIT enhancement network")
            .And.Contain("missing cond1.weight").And.Contain("unexpected"));
        Assert.That(File.Exists(_workspace.PathOf("out.png")), Is.False);
    }

    [Test]
    public void CorruptOnnxModelIsRefused()
    {
        string model = _workspace.PathOf("model.onnx");
        Assert.That(Cli.Run("export", "--checkpoint", SharedData.EnhancementCheckpoint, "-o", model).ExitCode, Is.EqualTo(0));
        byte[] bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 3)]);

        var result = Cli.Run("enhance", _workspace.Photo("photo.png"), "-o", _workspace.PathOf("out.png"), "--model", model);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
            Does.Contain(model).And.Contain("not a valid ONNX model"));
    }

    /// <summary>Found while testing: a checkpoint with a NaN weight turned every photo black with exit status 0.</summary>
    [TestCase(float.NaN, "NaN")]
    [TestCase(float.PositiveInfinity, "infinity")]
    public void CheckpointWithANonFiniteWeightIsRefused(float bad, string named)
    {
        string model = _workspace.PathOf("broken.pth");
        File.Copy(SharedData.EnhancementCheckpoint, model);
        using (var zip = System.IO.Compression.ZipFile.Open(model, System.IO.Compression.ZipArchiveMode.Update))
        {
            // archive/data/0 is the storage of cond1.weight (32x3x3x3 float32): its 8th value becomes bad.
            var entry = zip.GetEntry("archive/data/0")!;
            byte[] storage;
            using (var stream = entry.Open())
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                storage = copy.ToArray();
            }
            BitConverter.TryWriteBytes(storage.AsSpan(4 * 7), bad);
            entry.Delete();
            using var replaced = zip.CreateEntry("archive/data/0", System.IO.Compression.CompressionLevel.NoCompression).Open();
            replaced.Write(storage);
        }
        string photo = _workspace.Photo("photo.png");

        var result = Cli.Run("enhance", photo, "-o", _workspace.PathOf("out.png"), "--model", model);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
            Does.Contain(model).And.Contain("cond1.weight").And.Contain(named));
        Assert.That(File.Exists(_workspace.PathOf("out.png")), Is.False, "no black photo is written");
    }

    [Test]
    public void MissingModelFileIsRefused()
    {
        var result = Cli.Run("enhance", _workspace.Photo("photo.png"), "-o", _workspace.PathOf("out.png"), "--model", _workspace.PathOf("nope.pth"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain($"error: {_workspace.PathOf("nope.pth")}: no such file"));
    }

    private static IEnumerable<TestCaseData> UsageErrors()
    {
        yield return new TestCaseData((object)new[] { "enhance", "photo.png" }).SetName("NoOutput");
        yield return new TestCaseData((object)new[] { "enhance", "-o", "out/" }).SetName("NoInput");
        yield return new TestCaseData((object)new[] { "enhance", "photo.png", "-o", "out.png", "--frobnicate" }).SetName("UnknownOption");
        yield return new TestCaseData((object)new[] { "enhance", "photo.png", "-o", "out.png", "--device", "tpu" }).SetName("BadDevice");
        yield return new TestCaseData((object)new[] { "enhance", "photo.png", "-o", "out.png", "--jpeg-quality", "101" }).SetName("BadQuality");
        yield return new TestCaseData((object)new[] { "enhance", "photo.png", "-o", "result" }).SetName("OutputWithoutPhotoExtension");
        yield return new TestCaseData((object)new[] { "export", "--checkpoint", "x.pth", "-o", "x.onnx", "--size", "12" }).SetName("BadExportSize");
        yield return new TestCaseData((object)new[] { "transmogrify" }).SetName("UnknownCommand");
    }

    [TestCaseSource(nameof(UsageErrors))]
    public void UsageErrorsExitWithTwo(string[] args)
    {
        var result = Cli.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.StartWith("usage error: "));
    }

    private static byte[] TruncatedJpeg() => Truncated(File.ReadAllBytes(Path.Combine(SharedData.BacklitPhotos, "c5b8b4070688114c602b27933c6699b6.jpg")));

    private static byte[] Truncated(byte[] bytes) => bytes[..(bytes.Length * 2 / 3)];

    private static byte[] PngOfSize(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(40, 50, 60));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
