using ClipLit.TestSupport;
using ClipLit.VideoIO.Sequences;
using CsCheck;

namespace ClipLit.VideoIO.Tests;

/// <summary>
/// Property tests of image-sequence patterns, which come from command lines and manifests: any
/// text is a pattern or not (never an exception), a pattern names its frames for any number, and
/// listing a folder of files with any names ends with the frames in number order.
/// </summary>
[TestFixture]
public sealed class UntrustedPatternTests : TemporaryFolderFixture
{
    private const int Iterations = 2000;

    /// <summary>Texts near patterns: placeholders with any width, percent signs, digits, separators, extensions and any characters.</summary>
    private static readonly Gen<string> PatternLike =
        Gen.OneOf(Gen.Const("%d"), Gen.Const("%05d"), Gen.Const("%0"), Gen.Const("%"), Gen.Const("d"), Gen.Const("%099d"), Gen.Const("%0999999999999d"),
                Gen.Const("%-5d"), Gen.Const("%s"), Gen.Const(".png"), Gen.Const(".jpg"), Gen.Const("/"), Gen.Const(".."), Gen.Const("frames"), Gen.Const("\n"),
                Gen.Int[0, 99999].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.String[0, 8])
            .Array[0, 8]
            .Select(parts => string.Concat(parts));

    [Test]
    public void AnyTextIsAPatternOrNotAndAPatternNamesEveryFrame() =>
        Gen.Select(PatternLike, Gen.Int[0, int.MaxValue]).Sample((text, number) =>
        {
            UntrustedInput.EndsClearly<ArgumentException>(() =>
            {
                var pattern = ImageSequencePattern.TryParse(text);
                Assert.That(ImageSequencePattern.IsPattern(text), Is.EqualTo(pattern is not null));
                if (pattern is null) return;
                string frame = pattern.PathOf(number);
                Assert.That(Path.GetFileName(frame), Does.Contain(number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            });
        }, iter: Iterations);

    [Test]
    public void ListingAFolderOfAnyFilesEndsWithTheFramesInOrder()
    {
        var names = Gen.OneOf(Gen.Int[0, 999999].Select(n => $"f{n:D5}.png"), Gen.Int[0, 99].Select(n => $"f{n}.png"), PatternLike.Select(t => "f" + t),
            Gen.String[1, 12]).Array[0, 12];
        int run = 0;
        names.Sample(files =>
        {
            string folder = Directory.CreateDirectory(Path.Combine(Folder, $"{Interlocked.Increment(ref run)}")).FullName;
            foreach (string name in files.Select(f => new string(f.Where(c => c != '/' && c != '\0').ToArray())).Where(n => n.Length > 0 && n != "." && n != ".."))
                File.WriteAllBytes(Path.Combine(folder, name), []);
            var pattern = ImageSequencePattern.TryParse(Path.Combine(folder, "f%05d.png"))!;
            UntrustedInput.EndsClearly<IOException>(() =>
            {
                var frames = pattern.ExistingFrames();
                var numbers = frames.Select(f => long.Parse(Path.GetFileName(f)[1..^4], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.That(numbers, Is.Ordered.And.Unique);
            });
            Directory.Delete(folder, recursive: true);
        }, iter: 300);
    }
}
