using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.VideoIO.Tests;

/// <summary>Reading and writing photos: every format, cut files refused, metadata and formats kept.</summary>
[TestFixture]
public sealed class StillImageTests : TemporaryFolderFixture
{
    private static readonly (string Extension, IImageEncoder Encoder)[] Encodings =
    [
        (".png", new PngEncoder()),
        (".jpg", new JpegEncoder { Quality = 90 }),
        (".jpeg", new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio444 }),
        (".bmp", new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 }),
        (".tif", new TiffEncoder()),
        (".webp", new WebpEncoder { FileFormat = WebpFileFormatType.Lossy }),
        (".webp", new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }),
    ];

    private static IEnumerable<TestCaseData> Formats() =>
        Encodings.Select((e, i) => new TestCaseData(i).SetArgDisplayNames($"{e.Extension} {e.Encoder.GetType().Name} #{i}"));

    [TestCaseSource(nameof(Formats))]
    public void ReadsEveryFormatAndRefusesItCut(int encoding)
    {
        string path = WriteRealPhoto(encoding, "photo");
        using (var image = StillImageReader.Read(path))
        {
            Assert.That((image.Width, image.Height), Is.EqualTo((512, 384)));
            var rgba = new byte[4 * image.Width * image.Height];
            image.CopyPixelsTo(rgba);
            Assert.That(rgba.Where((_, i) => i % 4 != 3).Average(v => v), Is.InRange(20, 235), "decoded real content");
        }

        byte[] bytes = File.ReadAllBytes(path);
        foreach (double fraction in new[] { 0.5, 0.9, 0.99 })
        {
            string cut = Path.Combine(Folder, $"cut{fraction}{Encodings[encoding].Extension}");
            File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * fraction)]);
            var error = Assert.Throws<ImageFileException>(() => StillImageReader.Read(cut).Dispose())!;
            Assert.That(error.Message, Does.StartWith(cut + ": ").And.Contain("truncated"), $"cut at {fraction:P0}");
        }
    }

    [Test]
    public void APipeNamedLikeAPhotoIsRefusedUnopened()
    {
        // Opening it would wait for a writer that never comes.
        string pipe = NamedPipe.Make(Path.Combine(Folder, "photo.jpg"));
        Assert.That(UntrustedInput.RefusalOf<ImageFileException>(() => StillImageReader.Read(pipe)), Does.Contain(pipe).And.Contain("empty file (0 bytes)"));
    }

    [Test]
    public void JpegWithDataAfterTheEndMarkerIsAccepted()
    {
        string path = WriteRealPhoto(1, "trailing");
        File.AppendAllText(path, "camera maker's trailer");
        using var image = StillImageReader.Read(path);
        Assert.That(image.Width, Is.EqualTo(512));
    }

    [Test]
    public void RealProgressiveAndBaselineJpegsFromTheDatasetAreRead()
    {
        foreach (string photo in Directory.GetFiles(SharedData.BacklitPhotos, "*.jpg"))
        {
            using var image = StillImageReader.Read(photo);
            Assert.That(image.Width * image.Height, Is.GreaterThan(400_000), photo);
        }
    }

    [Test]
    public void WritingInTheSameFormatKeepsExifAndColourType()
    {
        string source = Path.Combine(Folder, "tagged.jpg");
        using (var original = Image.Load<Rgb24>(GoldenInput))
        {
            original.Metadata.ExifProfile = new ExifProfile();
            original.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            original.Metadata.ExifProfile.SetValue(ExifTag.Make, "ClipLitTestCamera");
            original.SaveAsJpeg(source, new JpegEncoder { Quality = 85 });
        }

        using (var image = StillImageReader.Read(source))
            StillImageWriter.Write(image, Path.Combine(Folder, "out.jpg"), StillImageWriteOptions.Default);

        var info = Image.Identify(Path.Combine(Folder, "out.jpg"));
        Assert.That(info.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value, Is.EqualTo((ushort)6));
        Assert.That(info.Metadata.ExifProfile?.GetValue(ExifTag.Make)?.Value, Is.EqualTo("ClipLitTestCamera"));
        Assert.That(info.Metadata.GetJpegMetadata().Quality, Is.InRange(80, 90), "the source's quality is kept");
    }

    [Test]
    public void WritesAtomicallyAndNeverLeavesTemporaryFiles()
    {
        string source = WriteRealPhoto(0, "atomic");
        string target = Path.Combine(Folder, "target.png");
        File.WriteAllText(target, "old");
        using (var image = StillImageReader.Read(source))
        {
            StillImageWriter.Write(image, target, StillImageWriteOptions.Default);
            Assert.Throws<ImageFileException>(() => StillImageWriter.Write(image, Path.Combine(Folder, "missing", "x.png"), StillImageWriteOptions.Default));
            Assert.Throws<ImageFileException>(() => StillImageWriter.Write(image, Path.Combine(Folder, "x.gif"), StillImageWriteOptions.Default));
        }
        Assert.That(Image.DetectFormat(target).Name, Is.EqualTo("PNG"));
        Assert.That(Directory.GetFiles(Folder).Where(f => f.EndsWith(".partial", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void SignatureDecidesTheFormatNotTheExtension()
    {
        string png = WriteRealPhoto(0, "really_png");
        string misnamed = Path.Combine(Folder, "misnamed.jpg");
        File.Move(png, misnamed);
        using var image = StillImageReader.Read(misnamed);
        Assert.That(image.Format, Is.EqualTo(ImageFileFormat.Png));
    }

    private string WriteRealPhoto(int encoding, string stem)
    {
        var (extension, encoder) = Encodings[encoding];
        string path = Path.Combine(Folder, stem + extension);
        using var image = Image.Load<Rgb24>(GoldenInput);
        image.Save(path, encoder);
        return path;
    }

    private static string GoldenInput => Path.Combine(SharedData.Path("golden", "enhance-512"), "110_51093502029_o.input.png");
}
