using ClipLit.Core.Files;
using ClipLit.TestSupport;

namespace ClipLit.Core.Tests;

/// <summary>Outputs appear complete or not at all, never over a file that appeared meanwhile unless asked, and failures leave nothing behind.</summary>
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
    public void AFileThatAppearsWhileWritingIsNotReplacedUnlessAsked()
    {
        string target = Path.Combine(Folder, "result.bin");
        var refused = Assert.Throws<OutputExistsException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write(new byte[10]);
            File.WriteAllText(target, "another writer's");
        }, replace: false));
        Assert.That(refused!.Path, Is.EqualTo(target));
        Assert.That(File.ReadAllText(target), Is.EqualTo("another writer's"), "the file that appeared is kept");
        Assert.That(Directory.GetFiles(Folder), Is.EqualTo(new[] { target }), "the temporary is removed");

        AtomicFile.Write(target, stream => stream.Write("ours"u8), replace: true);
        Assert.That(File.ReadAllText(target), Is.EqualTo("ours"));
    }

    [Test]
    public void TemporariesAreHiddenUniqueBesideTheTargetAndNameTheirWriter()
    {
        string target = Path.Combine(Folder, "clip.v2.mp4");
        using var a = TemporaryFile.Create(target);
        using var b = TemporaryFile.Create(target);
        Assert.That(a.Path, Is.Not.EqualTo(b.Path));
        Assert.That(Path.GetDirectoryName(a.Path), Is.EqualTo(Folder), "same folder, so the rename is atomic");
        Assert.That(Path.GetFileName(a.Path), Does.StartWith($".clip.v2.mp4.{TemporaryName.ThisHost}.{Environment.ProcessId}.").And.EndWith(".partial"));
        var parsed = TemporaryName.Parse(Path.GetFileName(a.Path));
        Assert.That(parsed, Is.Not.Null);
        Assert.That(parsed!.FinalName, Is.EqualTo("clip.v2.mp4"), "a final name with dots parses back");
        Assert.That(parsed.Writer, Is.EqualTo(ProcessIdentity.Current));
        Assert.That(parsed.FileName, Is.EqualTo(Path.GetFileName(a.Path)));
    }

    [Test]
    public void ATemporaryIsLockedForItsWholeLifeAndGoneAfterDispose()
    {
        string path;
        using (var temporary = TemporaryFile.Create(Path.Combine(Folder, "out.mp4")))
        {
            path = temporary.Path;
            Assert.That(temporary.Locked, "tmpfs and ext4 keep locks");
            Assert.That(LockHolder.IsLocked(path), "another process cannot take its lock");
        }
        Assert.That(File.Exists(path), Is.False, "an uncommitted temporary is removed");
    }

    [Test]
    public void WhatAnotherProgramWroteIsReadAndCommittedThroughTheHandle()
    {
        // ffmpeg writes a temporary by its path while this process holds it: the size and checksum are of what it wrote.
        string target = Path.Combine(Folder, "out.bin");
        using var temporary = TemporaryFile.Create(target);
        var written = ChildProcess.Run("sh", "-c", "printf 'written by another program' > \"$1\"", "sh", temporary.Path);
        Assert.That(written.ExitCode, Is.Zero, written.ToString());
        Assert.That(temporary.Length, Is.EqualTo(26));
        Assert.That(temporary.Sha256(), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("written by another program"u8.ToArray()))));
        temporary.Commit(replace: false);
        Assert.That(File.ReadAllText(target), Is.EqualTo("written by another program"));
        Assert.That(LockHolder.IsLocked(target), Is.False, "the lock is released once committed");
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
