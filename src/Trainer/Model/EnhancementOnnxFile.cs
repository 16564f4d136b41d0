using ClipLit.Core.Files;
using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using Google.Protobuf;

namespace ClipLit.Trainer.Model;

/// <summary>
/// Writes an <see cref="EnhancementNetwork"/>'s current weights as the same self-contained ONNX
/// model <c>cliplit export</c> produces (symbolic height and width), atomically, so that
/// <c>cliplit live --watch</c> and <c>cliplit enhance</c> load it directly.
/// Thread-safety: stateless.
/// </summary>
public static class EnhancementOnnxFile
{
    public static void Save(EnhancementNetwork network, string path)
    {
        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (name, value) in network.state_dict())
        {
            using var cpu = value.detach().cpu().to(float32).contiguous();
            tensors[name] = new TensorData(cpu.shape, cpu.data<float>().ToArray());
        }
        var weights = EnhancementWeights.Create(path, tensors);
        byte[] model = EnhancementGraphBuilder.Build(weights, EnhancementGraphKind.Full).ToByteArray();
        AtomicFile.Write(path, stream => stream.Write(model));
    }
}
