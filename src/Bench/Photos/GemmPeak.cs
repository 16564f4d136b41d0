using System.Diagnostics;
using ClipLit.Inference.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ClipLit.Bench.Photos;

/// <summary>
/// The machine's practical float32 arithmetic ceiling as ONNX Runtime sees it: the best rate of one
/// large matrix multiply (MLAS SGEMM), against which the network's rate is judged.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class GemmPeak
{
    private const int Size = 2048;

    /// <summary>Best GFLOP/s over a few runs of a 2048x2048 by 2048x2048 MatMul.</summary>
    public static double Measure(int threads)
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "gemm" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        var node = new NodeProto { OpType = "MatMul", Name = "gemm" };
        node.Input.Add("a");
        node.Input.Add("b");
        node.Output.Add("c");
        model.Graph.Node.Add(node);
        foreach (string name in new[] { "a", "b" }) model.Graph.Input.Add(Matrix(name));
        model.Graph.Output.Add(Matrix("c"));

        using var session = OrtSessionFactory.Create(ExecutionDevice.Cpu, new OrtSessionSettings(threads)).CreateSession(model.ToByteArray(), "gemm");
        var a = new float[Size * Size];
        var random = new Random(1);
        for (int i = 0; i < a.Length; i++) a[i] = (float)random.NextDouble();
        var c = new float[Size * Size];
        using var inputA = OrtValue.CreateTensorValueFromMemory(a, [Size, Size]);
        using var inputB = OrtValue.CreateTensorValueFromMemory(a, [Size, Size]);
        using var output = OrtValue.CreateTensorValueFromMemory(c, [Size, Size]);
        using var runOptions = new RunOptions();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            session.Run(runOptions, ["a", "b"], [inputA, inputB], ["c"], [output]);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return 2.0 * Size * Size * Size / best / 1e9;
    }

    private static ValueInfoProto Matrix(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = Size });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = Size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
