using ClipLit.Core.Files;
using ClipLit.Inference.Model;
using Google.Protobuf;
using Onnx;

namespace ClipLit.Inference.Student;

/// <summary>A student read from its file: the ONNX bytes ONNX Runtime runs as they are, and what the file says it is.</summary>
public sealed record StudentModelData(string Source, byte[] OnnxBytes, StudentMetadata Metadata);

/// <summary>
/// Reads a student ONNX file and checks it before anything runs it: the enhancer's contract (one
/// float input <c>image</c> 1x3xHxW, one float output <c>light_map</c> 1x1xHxW), the student
/// metadata, and finite weights.
/// Thread-safety: stateless.
/// </summary>
public static class StudentModelFile
{
    /// <exception cref="ModelLoadException">Unreadable, not ONNX, not fitting the contract, or broken weights; one line naming the file and the problem.</exception>
    public static StudentModelData Read(string path)
    {
        byte[] bytes = ContentFile.ReadAll(path, (problem, cause) => new ModelLoadException(path, problem, cause));
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelLoadException(path, $"not a valid ONNX model ({e.Message.TrimEnd('.')})", e);
        }
        return FromModel(path, bytes, model);
    }

    /// <summary>The student in <paramref name="path"/>, or null when the file is not an ONNX student (a student's problems are thrown).</summary>
    /// <exception cref="ModelLoadException">The file declares itself a student and is broken.</exception>
    public static StudentModelData? TryRead(string path)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length < 4) return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the paper's loader says why
        }
        if (bytes[0] == (byte)'P' && bytes[1] == (byte)'K') return null; // a PyTorch zip checkpoint
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
        return StudentMetadata.IsStudent(model) ? FromModel(path, bytes, model) : null;
    }

    /// <summary>Checks an already parsed model (<see cref="ModelLoader"/> tells the kinds apart by parsing once).</summary>
    public static StudentModelData FromModel(string path, byte[] bytes, ModelProto model)
    {
        if (model.Graph is null) throw new ModelLoadException(path, "not a valid ONNX model (no graph)");
        CheckContract(path, model.Graph);
        if (!StudentMetadata.IsStudent(model))
            throw new ModelLoadException(path, $"fits the enhancer's contract but is not a ClipLit student (no {StudentMetadata.KindKey}={StudentMetadata.KindValue} metadata; make one with 'cliplit distill')");
        var metadata = StudentMetadata.Read(model, path);
        FiniteWeights.Check(path, Initializers(path, model.Graph));
        return new StudentModelData(path, bytes, metadata);
    }

    /// <summary>The enhancer's contract: image 1x3xHxW float in, light_map 1x1xHxW float out.</summary>
    /// <exception cref="ModelLoadException">What does not fit, named.</exception>
    public static void CheckContract(string path, GraphProto graph)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        const string contract = "the enhancer's contract is input 'image' float 1x3xHxW, output 'light_map' float 1x1xHxW";
        if (inputs.Count != 1 || inputs[0].Name != StudentGraphBuilder.ImageInput)
            throw new ModelLoadException(path, $"inputs are [{string.Join(", ", inputs.Select(Describe))}]; {contract}");
        if (graph.Output.Count != 1 || graph.Output[0].Name != StudentGraphBuilder.LightMapOutput)
            throw new ModelLoadException(path, $"outputs are [{string.Join(", ", graph.Output.Select(Describe))}]; {contract}");
        CheckTensor(path, inputs[0], 3, contract);
        CheckTensor(path, graph.Output[0], 1, contract);
    }

    private static void CheckTensor(string path, ValueInfoProto value, int channels, string contract)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new ModelLoadException(path, $"'{value.Name}' is {Describe(value)}, not float; {contract}");
        var dims = tensor.Shape?.Dim;
        if (dims is null || dims.Count != 4)
            throw new ModelLoadException(path, $"'{value.Name}' is {Describe(value)}, not of rank 4; {contract}");
        bool Fixed(int index, long expected) => dims[index].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[index].DimValue == expected;
        if (!Fixed(0, 1) || !Fixed(1, channels))
            throw new ModelLoadException(path, $"'{value.Name}' is {Describe(value)}; {contract}");
    }

    private static string Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null) return $"{value.Name} (not a tensor)";
        string type = Enum.IsDefined(typeof(TensorProto.Types.DataType), tensor.ElemType)
            ? ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant()
            : tensor.ElemType.ToString();
        string shape = tensor.Shape is null ? "?" : string.Join("x", tensor.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString() : (d.DimParam is { Length: > 0 } p ? p : "?")));
        return $"{value.Name} {type} {shape}";
    }

    private static IEnumerable<KeyValuePair<string, TensorData>> Initializers(string path, GraphProto graph)
    {
        foreach (var initializer in graph.Initializer)
        {
            if (initializer.DataType != (int)TensorProto.Types.DataType.Float) continue;
            float[] values = OnnxWeightsReader.FloatValues(path, initializer);
            yield return KeyValuePair.Create(initializer.Name, new TensorData([values.Length], values));
        }
    }
}
