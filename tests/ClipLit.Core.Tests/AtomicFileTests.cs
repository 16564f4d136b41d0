using ClipLit.TestSupport;
namespace ClipLit.Core.Tests;

/// <summary>Outputs appear complete or not at all, and failures leave nothing behind.</summary>
[TestFixture]
public sealed class AtomicFileTests : TemporaryFolderFixture
{
    [Test]
    public void WriteReplacesTheTargetOnlyWhenComplete()
    {
        string target = Path.Combine(Folder, "result.bin");
        File.WriteAllText(target, "previous");
        AtomicFile.Write(target, stream =>
        {
            stream.Write(new byte[100_000]);
            Assert.That(File.ReadAllText(target), Is.EqualTo("previous"), "the final name keeps the old content while writing");
            Assert.That(Directory.GetFiles(Folder, "*.partial"), Has.Length.EqualTo(1), "the new content goes to a temporary file");
        });
        Assert.That(new FileInfo(target).Length, Is.EqualTo(100_000));
        Assert.That(Directory.GetFiles(Folder), Is.EqualTo(new[] { target }));
    }

    [Test]
    public void AFailedWriteLeavesTheOldFileAndNoTemporaryFile()
    {
        string target = Path.Combine(Folder, "result.bin");
        File.WriteAllText(target, "previous");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write(new byte[10]);
            throw new InvalidOperationException("encoder failed");
        }));
        Assert.That(File.ReadAllText(target), Is.EqualTo("previous"));
        Assert.That(Directory.GetFiles(Folder), Is.EqualTo(new[] { target }));
    }

    [Test]
    public void TemporaryNamesAreHiddenUniqueAndBesideTheTarget()
    {
        string target = Path.Combine(Folder, "photo.jpg");
        string a = AtomicFile.TemporaryPathFor(target), b = AtomicFile.TemporaryPathFor(target);
        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(Path.GetDirectoryName(a), Is.EqualTo(Folder), "same folder, so the rename is atomic");
        Assert.That(Path.GetFileName(a), Does.StartWith(".photo.jpg.").And.EndWith(".partial"));
    }
}
