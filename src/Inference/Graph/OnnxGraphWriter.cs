using System.Runtime.InteropServices;
using ClipLit.Inference.Model;
using Google.Protobuf;
using Onnx;

namespace ClipLit.Inference.Graph;

/// <summary>
/// Appends nodes, constants, inputs and outputs to an ONNX graph with generated unique value names,
/// so graph-building code reads like the forward pass it describes.
/// Thread-safety: not thread-safe. Ownership: owns the <see cref="GraphProto"/> it builds until
/// <see cref="ToModel"/> hands it over.
/// </summary>
internal sealed class OnnxGraphWriter
{
    /// <summary>The opset the graphs target: ONNX Runtime 1.31 runs it, and Pad takes its pads as an input.</summary>
    public const int OpsetVersion = 17;

    private readonly GraphProto _graph;
    private readonly Dictionary<string, string> _int64Constants = new(StringComparer.Ordinal);
    private int _nextId;

    public OnnxGraphWriter(string graphName) => _graph = new GraphProto { Name = graphName };

    /// <summary>Adds node <paramref name="op"/> with one output and returns that output's name.</summary>
    public string Op(string op, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        OpWithOutputs(op, inputs, 1, attributes)[0];

    public string Op(string op, string input, params AttributeProto[] attributes) => Op(op, [input], attributes);

    public string Op(string op, string a, string b, params AttributeProto[] attributes) => Op(op, [a, b], attributes);

    /// <summary>Adds node <paramref name="op"/> with <paramref name="outputCount"/> outputs.</summary>
    public string[] OpWithOutputs(string op, IEnumerable<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        int id = _nextId++;
        var node = new NodeProto { OpType = op, Name = $"{op}_{id}" };
        node.Input.AddRange(inputs);
        var outputs = Enumerable.Range(0, outputCount).Select(i => outputCount == 1 ? $"{op}_{id}" : $"{op}_{id}_{i}").ToArray();
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>
    /// Gives <paramref name="value"/>, the output of the most recent node, the public name
    /// <paramref name="name"/> (graph outputs need stable names).
    /// </summary>
    public string Rename(string value, string name)
    {
        var node = _graph.Node[^1];
        if (node.Output.Count != 1 || node.Output[0] != value)
            throw new InvalidOperationException($"{value} is not the output of the most recent node");
        node.Output[0] = name;
        return name;
    }

    /// <summary>Adds a float32 initializer called <paramref name="name"/>.</summary>
    public string Weight(string name, TensorData tensor)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(tensor.Shape);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>An int64 constant (shared when the same values are asked for twice).</summary>
    public string Int64s(params long[] values) => Int64Tensor([values.Length], values);

    /// <summary>An int64 scalar constant.</summary>
    public string Int64Scalar(long value) => Int64Tensor([], [value]);

    private string Int64Tensor(long[] dims, long[] values)
    {
        string key = $"[{string.Join(",", dims)}]{string.Join(",", values)}";
        if (_int64Constants.TryGetValue(key, out var existing)) return existing;
        string name = $"const_{_nextId++}";
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.AddRange(dims);
        proto.Int64Data.AddRange(values);
        _graph.Initializer.Add(proto);
        _int64Constants[key] = name;
        return name;
    }

    /// <summary>A float32 scalar constant.</summary>
    public string FloatScalar(float value)
    {
        string name = $"const_{_nextId++}";
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.FloatData.Add(value);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Declares a graph input; a string dimension is symbolic, a long is fixed.</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="name"/> a graph output.</summary>
    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>Wraps the graph in a model; the writer must not be used afterwards.</summary>
    public ModelProto ToModel(string producerVersion, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "ClipLit",
            ProducerVersion = producerVersion,
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException($"dimension {dim} must be a string or an integer"),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
