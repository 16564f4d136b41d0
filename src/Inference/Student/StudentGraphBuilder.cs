using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using Onnx;
using static ClipLit.Inference.Graph.OnnxGraphWriter;

namespace ClipLit.Inference.Student;

/// <summary>
/// Writes a student (<see cref="StudentArchitecture"/> and its weights) as a self-contained ONNX
/// model with the enhancer's contract: input <c>image</c> 1x3xHxW RGB in [0, 1], output
/// <c>light_map</c> 1x1xHxW, any H and W; its metadata (<see cref="StudentMetadata"/>) says what it is.
/// Thread-safety: stateless.
/// </summary>
public static class StudentGraphBuilder
{
    public const string ImageInput = EnhancementGraphBuilder.ImageInput;
    public const string LightMapOutput = EnhancementGraphBuilder.LightMapOutput;

    /// <exception cref="ModelLoadException">The weights do not fit the architecture.</exception>
    public static ModelProto Build(StudentArchitecture architecture, IReadOnlyDictionary<string, TensorData> weights, StudentMetadata metadata)
    {
        StudentWeights.Check(architecture, weights, metadata.Source);
        var writer = new OnnxGraphWriter("cliplit_student");
        string image = writer.Input(ImageInput, TensorProto.Types.DataType.Float, 1, StudentArchitecture.InputChannels, "height", "width");

        string Conv(string input, StudentArchitecture.Conv conv)
        {
            string weight = writer.Weight(conv.Name + ".weight", weights[conv.Name + ".weight"]);
            string bias = writer.Weight(conv.Name + ".bias", weights[conv.Name + ".bias"]);
            long pad = conv.Kernel / 2;
            return writer.Op("Conv", [input, weight, bias],
                Attr("kernel_shape", [conv.Kernel, conv.Kernel]),
                Attr("strides", [conv.Stride, conv.Stride]),
                Attr("pads", [pad, pad, pad, pad]));
        }
        string ConvRelu(string input, StudentArchitecture.Conv conv) => writer.Op("Relu", Conv(input, conv));

        var skips = new List<string> { ConvRelu(ConvRelu(image, architecture.Enc0A), architecture.Enc0B) };
        for (int level = 1; level < architecture.Levels; level++)
            skips.Add(ConvRelu(ConvRelu(skips[^1], architecture.Down(level)), architecture.Enc(level)));

        // Scene-wide context, as the paper's pyramid pooling gives the teacher.
        string bottom = skips[^1];
        string context = ConvRelu(writer.Op("GlobalAveragePool", bottom), architecture.Context);
        string features = writer.Op("Add", bottom, context);

        for (int level = architecture.Levels - 2; level >= 0; level--)
        {
            string skip = skips[level];
            string sizes = writer.Op("Concat", [writer.Op("Shape", features, Attr("end", 2L)), writer.Op("Shape", skip, Attr("start", 2L))], Attr("axis", 0L));
            string up = writer.Op("Resize", [features, "", "", sizes],
                Attr("mode", "linear"), Attr("coordinate_transformation_mode", "pytorch_half_pixel"));
            features = ConvRelu(writer.Op("Concat", [up, skip], Attr("axis", 1L)), architecture.Dec(level));
        }

        string lightMap = writer.Rename(writer.Op("Exp", Conv(features, architecture.Head)), LightMapOutput);
        writer.Output(lightMap, TensorProto.Types.DataType.Float, 1, 1, "height", "width");

        var model = writer.ToModel(
            typeof(StudentGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            $"ClipLit student ({architecture.Describe()}) distilled from {metadata.TeacherName}");
        metadata.WriteTo(model);
        return model;
    }
}
