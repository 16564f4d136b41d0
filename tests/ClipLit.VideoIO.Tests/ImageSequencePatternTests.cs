using ClipLit.TestSupport;
using ClipLit.VideoIO.Sequences;

namespace ClipLit.VideoIO.Tests;

/// <summary>FFmpeg-style sequence patterns: what counts as one, frame names, and which files belong to a sequence.</summary>
[TestFixture]
public sealed class ImageSequencePatternTests : TemporaryFolderFixture
{
    [TestCase("frames/%05d.png", true)]
    [TestCase("shot_%d.jpg", true)]
    [TestCase("frames/%05d.mp4", false)]
    [TestCase("frames/0001.png", false)]
    [TestCase("a%d_%d.png", false)]
    [TestCase("100%.png", false)]
    public void RecognizesPatterns(string path, bool isPattern) =>
        Assert.That(ImageSequencePattern.IsPattern(path), Is.EqualTo(isPattern));

    [Test]
    public void NamesFramesAndFindsThemInNumberOrder()
    {
        var pattern = ImageSequencePattern.TryParse(Path.Combine(Folder, "shot_%03d.png"))!;
        Assert.That(Path.GetFileName(pattern.PathOf(7)), Is.EqualTo("shot_007.png"));
        Assert.That(Path.GetFileName(pattern.PathOf(1234)), Is.EqualTo("shot_1234.png"));
        foreach (string name in new[] { "shot_010.png", "shot_002.png", "shot_001.png", "shot_01.png", "shot_003.jpg", "other_004.png", ".shot_005.png", "shot_x06.png" })
            File.WriteAllText(Path.Combine(Folder, name), "");
        Assert.That(pattern.ExistingFrames().Select(Path.GetFileName), Is.EqualTo(new[] { "shot_001.png", "shot_002.png", "shot_010.png" }));
    }

    [Test]
    public void ANameTooShortForBothEndsOfThePatternIsNoFrame()
    {
        // "ab.png" starts with the prefix "a" and ends with the suffix "ab.png": the two overlap.
        var pattern = ImageSequencePattern.TryParse(Path.Combine(Folder, "a%dab.png"))!;
        foreach (string name in new[] { "ab.png", "a7ab.png" })
            File.WriteAllText(Path.Combine(Folder, name), "");
        Assert.That(pattern.ExistingFrames().Select(Path.GetFileName), Is.EqualTo(new[] { "a7ab.png" }));
    }
}
