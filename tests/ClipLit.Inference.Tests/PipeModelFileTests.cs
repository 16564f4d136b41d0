using ClipLit.Inference.Model;
using ClipLit.Inference.Student;
using ClipLit.TestSupport;

namespace ClipLit.Inference.Tests;

/// <summary>
/// A named pipe where a model file is expected (a wrong path, a leftover of some tool): refused with
/// one line naming it, without opening it, which would wait for a writer that never comes (and
/// Ctrl+C would not end that wait).
/// </summary>
[TestFixture]
public sealed class PipeModelFileTests : TemporaryFolderFixture
{
    [TestCase("model.pth")]
    [TestCase("model.onnx")]
    public void APipeIsRefusedAsAModelUnopened(string name)
    {
        string pipe = NamedPipe.Make(Path.Combine(Folder, name));
        Assert.That(Refusal(() => ModelLoader.Load(pipe)), Does.Contain(pipe).And.Contain("empty file (0 bytes)"));
    }

    [Test]
    public void APipeIsRefusedAsAStudentUnopened()
    {
        string pipe = NamedPipe.Make(Path.Combine(Folder, "student.onnx"));
        Assert.That(Refusal(() => StudentModelFile.Read(pipe)), Does.Contain(pipe).And.Contain("empty file (0 bytes)"));
        StudentModelData? maybe = null;
        Assert.That(UntrustedInput.EndsClearly<ModelLoadException>(() => maybe = StudentModelFile.TryRead(pipe)), Is.False, "TryRead ends");
        Assert.That(maybe, Is.Null, "not a student");
    }

    /// <summary>The one-line refusal <paramref name="read"/> ends with, within <see cref="UntrustedInput.Limit"/> (a wait on the pipe fails the test).</summary>
    private static string Refusal(Action read)
    {
        string message = UntrustedInput.RefusalOf<ModelLoadException>(read);
        Assert.That(message, Does.Not.Contain('\n'), "one line");
        return message;
    }
}
