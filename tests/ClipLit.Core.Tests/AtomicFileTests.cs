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
        Assert.That(Path.GetFileName(a), Does.StartWith($".photo.jpg.{TemporaryName.ThisHost}.{Environment.ProcessId}.").And.EndWith(".partial"));
    }

    [Test]
    public void TemporaryNamesSayWhichHostAndProcessWriteThem()
    {
        string name = Path.GetFileName(AtomicFile.TemporaryPathFor(Path.Combine(Folder, "clip.v2.mp4")));
        var parsed = TemporaryName.Parse(name);
        Assert.That(parsed, Is.Not.Null, name);
        Assert.That(parsed!.FinalName, Is.EqualTo("clip.v2.mp4"), "a final name with dots parses back");
        Assert.That(parsed.Host, Is.EqualTo(TemporaryName.ThisHost));
        Assert.That(parsed.Writer, Is.EqualTo(ProcessIdentity.Current));
        Assert.That(parsed.Writer.StartTicks, Is.GreaterThan(0), "start ticks come from /proc on Linux");
        Assert.That(parsed.FileName, Is.EqualTo(name));
    }

    [TestCase("node-7", "node-7")]
    [TestCase("GPU01", "gpu01")]
    [TestCase("gpu01.cluster.example.org", "gpu01-cluster-example-org")]
    [TestCase("my_host (2)", "my-host--2-")]
    [TestCase("", "unknown-host")]
    public void HostNamesBecomeFileNameSafeTokensWithoutDots(string machineName, string token) =>
        Assert.That(TemporaryName.HostToken(machineName), Is.EqualTo(token));

    [Test]
    public void LongHostNamesAreCut() =>
        Assert.That(TemporaryName.HostToken(new string('h', 100)), Has.Length.EqualTo(63));
}
