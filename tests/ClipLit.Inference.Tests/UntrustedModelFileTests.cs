using System.IO.Compression;
using ClipLit.Inference.Model;
using ClipLit.Inference.Student;
using ClipLit.TestSupport;
using CsCheck;
using Google.Protobuf;
using Onnx;

namespace ClipLit.Inference.Tests;

/// <summary>
/// Property tests of the model readers, on damaged copies of real files (the paper's checkpoint, a
/// student ONNX file) and on random bytes: every read ends, quickly, with a model or with one
/// <see cref="ModelLoadException"/> line naming the file: never another exception, a hang, or an
/// allocation the file merely asked for.
/// </summary>
[TestFixture]
public sealed class UntrustedModelFileTests : TemporaryFolderFixture
{
    private const int Iterations = 1000;
    private int _refused;
    private int _read;

    [TearDown]
    public void Report()
    {
        TestContext.Out.WriteLine($"{_refused} refused with one line, {_read} read");
        // A sample that never reached the reader would prove nothing.
        Assert.That(_refused + _read, Is.GreaterThanOrEqualTo(Iterations), "every sample was read");
        (_refused, _read) = (0, 0);
    }

    private static readonly Lazy<byte[]> Checkpoint = new(() => File.ReadAllBytes(SharedData.EnhancementCheckpoint));

    /// <summary>Writes <paramref name="bytes"/> to a file of its own and reads it with <paramref name="read"/>; ends clearly or throws.</summary>
    private void Read(byte[] bytes, string extension, Action<string> read)
    {
        string path = Path.Combine(Folder, Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, bytes);
        try
        {
            if (UntrustedInput.EndsClearly<ModelLoadException>(() => read(path))) Interlocked.Increment(ref _refused);
            else Interlocked.Increment(ref _read);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ADamagedCheckpointIsRefusedWithOneLine() =>
        Mutations.Of(Checkpoint.Value).Sample(bytes => Read(bytes, ".pth", path => ModelLoader.Load(path)), iter: Iterations);

    [Test]
    public void ACheckpointWithADamagedPickleIsRefusedWithOneLine()
    {
        // The archive stays valid: the damage reaches the unpickler and the tensors it describes.
        var (pickleName, pickle, others) = Unzip(Checkpoint.Value);
        Mutations.Of(pickle).Sample(damaged => Read(Zip(pickleName, damaged, others), ".pth", path => ModelLoader.Load(path)), iter: Iterations);
    }

    [Test]
    public void RandomBytesAreRefusedWithOneLine() =>
        Gen.Byte.Array[0, 4096].Sample(bytes => Read(bytes, ".pth", path => ModelLoader.Load(path)), iter: Iterations);

    [Test]
    public void ADamagedOnnxFileIsRefusedWithOneLine()
    {
        byte[] student = File.ReadAllBytes(TestStudents.Write(Path.Combine(Folder, "student.onnx")));
        Mutations.Of(student).Sample(bytes =>
        {
            Read(bytes, ".onnx", path => ModelLoader.Load(path));
            Read(bytes, ".onnx", path => StudentModelFile.Read(path));
        }, iter: Iterations);
    }

    [Test]
    public void AnyStudentMetadataIsReadOrRefusedWithOneLine()
    {
        byte[] student = File.ReadAllBytes(TestStudents.Write(Path.Combine(Folder, "student.onnx")));
        string[] keys = ["cliplit.kind", "cliplit.teacher", "cliplit.teacher_sha256", "cliplit.input_scale", "cliplit.architecture", "cliplit.validation", "cliplit.training"];
        var values = Gen.OneOf(Gen.String, Gen.Const(""), Gen.Const("NaN"), Gen.Const("-1"), Gen.Const("1e308"), Gen.Const("0.2"), Gen.Const("unet 4,8 at 0.2"),
            Gen.Const("unet 99999999,1 at 0.2"), Gen.Const(new string('a', 64)), Gen.Const("student"));
        Gen.Select(Gen.Int[0, keys.Length - 1], values).Array[1, 8].Sample(edits =>
        {
            var model = ModelProto.Parser.ParseFrom(student);
            foreach (var (key, value) in edits)
            {
                var entry = model.MetadataProps.FirstOrDefault(p => p.Key == keys[key]);
                if (entry is null) model.MetadataProps.Add(new StringStringEntryProto { Key = keys[key], Value = value });
                else entry.Value = value;
            }
            Read(model.ToByteArray(), ".onnx", path => StudentModelFile.Read(path));
        }, iter: Iterations);
    }

    private static (string Name, byte[] Pickle, List<(string Name, byte[] Bytes)> Others) Unzip(byte[] checkpoint)
    {
        using var zip = new ZipArchive(new MemoryStream(checkpoint), ZipArchiveMode.Read);
        (string, byte[])? pickle = null;
        var others = new List<(string, byte[])>();
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            if (entry.FullName.EndsWith("data.pkl", StringComparison.Ordinal)) pickle = (entry.FullName, bytes.ToArray());
            else others.Add((entry.FullName, bytes.ToArray()));
        }
        var (name, data) = pickle ?? throw new InvalidOperationException("the checkpoint has no data.pkl");
        return (name, data, others);
    }

    private static byte[] Zip(string pickleName, byte[] pickle, List<(string Name, byte[] Bytes)> others)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in others.Prepend((pickleName, pickle)))
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(bytes);
            }
        }
        return buffer.ToArray();
    }
}
