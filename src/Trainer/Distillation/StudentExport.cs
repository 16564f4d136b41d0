using System.Globalization;
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

    /// <summary>What a distilled student says of itself: its teacher, its validation and how it was trained.</summary>
    public static StudentMetadata Distilled(string source, Teacher teacher, DistillationOptions options, string dataDescription, DistillationState state, string validation) =>
        new(source, teacher.Name, teacher.Sha256, options.Scale, options.Architecture.Describe(), validation,
            string.Create(CultureInfo.InvariantCulture,
                $"seed {options.Seed}; {dataDescription}; {state.Iteration} iterations of {options.Batch} views, Adam lr {options.LearningRate:G3} cosine to 1/100, {state.ElapsedSeconds / 60:F1} min"));

    /// <summary>The ONNX bytes, for callers that run them directly.</summary>
    public static byte[] ToBytes(StudentNetwork network, StudentMetadata metadata) =>
        StudentGraphBuilder.Build(network.Architecture, network.Weights(), metadata).ToByteArray();
}
