using ClipLit.Core.Files;

namespace ClipLit.Inference.Model;

/// <summary>
/// Loads enhancement weights from a model file: a PyTorch checkpoint (.pth/.pt, zip format, as the
/// paper releases them) or an ONNX model, recognised by content rather than by extension.
/// Thread-safety: stateless.
/// </summary>
public static class ModelLoader
{
    /// <exception cref="ModelLoadException">The file is missing, unreadable or not the paper's network; the message is one line.</exception>
    public static EnhancementWeights Load(string path)
    {
        if (Directory.Exists(path)) throw new ModelLoadException(path, "is a folder, not a model file");
        // Before opening: a pipe named like a model would wait for a writer.
        if (ContentFile.IsEmpty(path)) throw new ModelLoadException(path, ContentFile.EmptyProblem);
        byte[] header = new byte[4];
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length == 0) throw new ModelLoadException(path, ContentFile.EmptyProblem);
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
                throw new ModelLoadException(path, "not a PyTorch checkpoint or ONNX model (only a few bytes long)");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelLoadException(path, ContentFile.MissingProblem, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot be read ({e.Message})", e);
        }

        bool isZip = header[0] == (byte)'P' && header[1] == (byte)'K' && header[2] == 3 && header[3] == 4;
        var tensors = isZip ? PyTorchCheckpointReader.Read(path) : OnnxWeightsReader.Read(path);
        return EnhancementWeights.Create(path, tensors);
    }
}
