using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ClipLit.Inference.Model;

/// <summary>
/// Reads the float32 initializers of an ONNX model (the network's weights, by name). ClipLit
/// treats an .onnx model as the weights of the paper's architecture: graphs for every size and
/// plan are generated from them, so a model exported at one size serves all.
/// Thread-safety: stateless.
/// </summary>
public static class OnnxWeightsReader
{
    /// <exception cref="ModelLoadException">The file is not a readable ONNX model.</exception>
    public static IReadOnlyDictionary<string, TensorData> Read(string path)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelLoadException(path, $"not a valid ONNX model ({e.Message.TrimEnd('.')})", e);
        }
        if (model.Graph is null || model.Graph.Initializer.Count == 0)
            throw new ModelLoadException(path, "not a valid ONNX model (no graph weights)");

        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var initializer in model.Graph.Initializer)
        {
            // Scalars are graph constants, not weights (every weight has at least one dimension).
            if (initializer.DataType != (int)TensorProto.Types.DataType.Float || initializer.Dims.Count == 0) continue;
            float[] values = FloatValues(path, initializer);
            try
            {
                tensors[initializer.Name] = new TensorData(initializer.Dims.ToArray(), values);
            }
            catch (ArgumentException e)
            {
                throw new ModelLoadException(path, $"not a valid ONNX model (initializer {initializer.Name}: {e.Message})", e);
            }
        }
        return tensors;
    }

    /// <summary>A float32 initializer's values, stored raw or as a list.</summary>
    /// <exception cref="ModelLoadException">The values lie outside the file (external data).</exception>
    public static float[] FloatValues(string path, TensorProto initializer)
    {
        if (initializer.DataLocation == TensorProto.Types.DataLocation.External)
            throw new ModelLoadException(path, $"weights stored outside the file (external data for {initializer.Name}) are not supported");
        return initializer.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(initializer.RawData.Span).ToArray()
            : initializer.FloatData.ToArray();
    }
}
