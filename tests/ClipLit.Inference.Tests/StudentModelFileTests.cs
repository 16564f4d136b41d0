using System.Runtime.InteropServices;
using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using ClipLit.Inference.Student;
using ClipLit.TestSupport;
using Google.Protobuf;
using Onnx;

namespace ClipLit.Inference.Tests;

/// <summary>Student files are checked before anything runs them: contract, metadata, finite weights; each problem named in one line.</summary>
[TestFixture]
public sealed class StudentModelFileTests
{
    private string _folder = null!;
    private string _student = null!;

    [SetUp]
    public void WriteStudent()
    {
        _folder = Directory.CreateTempSubdirectory("cliplit-student-file-").FullName;
        _student = TestStudents.Write(Path.Combine(_folder, "student.onnx"));
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void AStudentIsReadWithWhatItSaysOfItself()
    {
        var student = StudentModelFile.Read(_student);
        Assert.That(student.Metadata.TeacherName, Is.EqualTo("enhancement_model.pth"));
        Assert.That(student.Metadata.TeacherSha256, Has.Length.EqualTo(64));
        Assert.That(student.Metadata.InputScale, Is.EqualTo(0.2));
        Assert.That(StudentModelFile.TryRead(_student), Is.Not.Null);
        Assert.That(StudentModelFile.TryRead(SharedData.EnhancementCheckpoint), Is.Null, "a .pth is not a student");
    }

    private static IEnumerable<TestCaseData> Breakages()
    {
        yield return new TestCaseData((Action<ModelProto>)(m => Rename(m.Graph.Input[0], m, "picture")), "inputs are [picture float 1x3xheightxwidth]")
            .SetName("InputNamedOtherwise");
        yield return new TestCaseData((Action<ModelProto>)(m => m.Graph.Input.Add(m.Graph.Input[0].Clone().Also(v => v.Name = "strength"))), "inputs are [image float 1x3xheightxwidth, strength")
            .SetName("ASecondInput");
        yield return new TestCaseData((Action<ModelProto>)(m => m.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue = 3), "'light_map' is light_map float 1x3xheightxwidth")
            .SetName("ThreeChannelOutput");
        yield return new TestCaseData((Action<ModelProto>)(m => m.Graph.Input[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Float16), "'image' is image float16")
            .SetName("HalfPrecisionInput");
        yield return new TestCaseData((Action<ModelProto>)(m => Poison(m, "enc1.weight", float.NaN)), "weight enc1.weight holds NaN")
            .SetName("NaNWeight");
        yield return new TestCaseData((Action<ModelProto>)(m => Poison(m, "head.bias", float.NegativeInfinity)), "weight head.bias holds infinity")
            .SetName("InfiniteWeight");
        yield return new TestCaseData((Action<ModelProto>)(m => m.MetadataProps.Single(p => p.Key == "cliplit.input_scale").Value = "5"), "cliplit.input_scale is '5'")
            .SetName("ScaleAboveOne");
        yield return new TestCaseData((Action<ModelProto>)(m => m.MetadataProps.Remove(m.MetadataProps.Single(p => p.Key == "cliplit.teacher_sha256"))), "student metadata lacks cliplit.teacher_sha256")
            .SetName("NoTeacherChecksum");
    }

    [TestCaseSource(nameof(Breakages))]
    public void ABrokenStudentIsRefusedWithWhatIsWrongNamed(Action<ModelProto> breakIt, string problem)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(_student));
        breakIt(model);
        string broken = Path.Combine(_folder, "broken.onnx");
        File.WriteAllBytes(broken, model.ToByteArray());

        var error = Assert.Throws<ModelLoadException>(() => StudentModelFile.Read(broken))!;
        Assert.That(error.Message, Does.StartWith(broken + ": ").And.Contain(problem));
        Assert.That(error.Message, Does.Not.Contain("\n"));
        Assert.Throws<ModelLoadException>(() => StudentModelFile.TryRead(broken), "a file that claims to be a student is checked as one");
    }

    [Test]
    public void ThePapersNetworkAsOnnxFitsTheContractButIsNoStudent()
    {
        var weights = ModelLoader.Load(SharedData.EnhancementCheckpoint);
        string onnx = Path.Combine(_folder, "paper.onnx");
        File.WriteAllBytes(onnx, EnhancementGraphBuilder.Build(weights, EnhancementGraphKind.Full).ToByteArray());

        Assert.That(StudentModelFile.TryRead(onnx), Is.Null, "read as the paper's weights, not a student");
        var error = Assert.Throws<ModelLoadException>(() => StudentModelFile.Read(onnx))!;
        Assert.That(error.Message, Does.Contain("not a ClipLit student").And.Contain("cliplit distill"));
    }

    [Test]
    public void APaperCheckpointWithANaNWeightIsRefused()
    {
        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (name, tensor) in ModelLoader.Load(SharedData.EnhancementCheckpoint).All) tensors[name] = new TensorData(tensor.Shape, (float[])tensor.Values.Clone());
        tensors["condx.bias"].Values[3] = float.NaN;

        var error = Assert.Throws<ModelLoadException>(() => EnhancementWeights.Create("broken.pth", tensors))!;
        Assert.That(error.Message, Is.EqualTo("broken.pth: weight condx.bias holds NaN (1 of 64 values not finite): the model is broken"));
    }

    private static void Rename(ValueInfoProto input, ModelProto model, string name)
    {
        foreach (var node in model.Graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == input.Name) node.Input[i] = name;
        input.Name = name;
    }

    private static void Poison(ModelProto model, string name, float value)
    {
        var initializer = model.Graph.Initializer.Single(i => i.Name == name);
        var values = MemoryMarshal.Cast<byte, float>(initializer.RawData.ToByteArray().AsSpan()).ToArray();
        values[0] = value;
        initializer.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}

internal static class ProtoExtensions
{
    /// <summary>Applies <paramref name="change"/> to <paramref name="value"/> and returns it (for building test cases inline).</summary>
    public static T Also<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
