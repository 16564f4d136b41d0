using ClipLit.Core.Files;
using ClipLit.Inference.Student;
using Google.Protobuf;

namespace ClipLit.Trainer.Distillation;

/// <summary>Writes a <see cref="StudentNetwork"/> as a student ONNX file (<see cref="StudentGraphBuilder"/>), atomically.</summary>
public static class StudentExport
{
    public static void Save(StudentNetwork network, StudentMetadata metadata, string path)
    {
        var model = StudentGraphBuilder.Build(network.Architecture, network.Weights(), metadata with { Source = path });
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>The ONNX bytes, for callers that run them directly.</summary>
    public static byte[] ToBytes(StudentNetwork network, StudentMetadata metadata) =>
        StudentGraphBuilder.Build(network.Architecture, network.Weights(), metadata).ToByteArray();
}
