using ClipLit.Trainer.Model;

namespace ClipLit.Trainer.Clip;

/// <summary>
/// Loads a CLIP model from the weights a user gives: OpenAI's TorchScript archives (ViT-B-32.pt,
/// RN101.pt) or plain state dicts (.pth). The architecture is inferred from the tensors' shapes;
/// half-precision weights (OpenAI ships them) are converted to float32. Missing, unexpected or
/// mis-shaped tensors are named in one error with the file.
/// </summary>
public static class ClipWeightsFile
{
    /// <exception cref="InvalidDataException">Not a CLIP model, or its tensors do not fit the inferred architecture.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static ClipModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such CLIP weights file", path);
        var tensors = Read(path);
        try
        {
            var shapes = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape);
            var architecture = ClipArchitecture.FromShapes(shapes, path);
            var model = new ClipModel(architecture);
            try
            {
                var expected = model.state_dict();
                var missing = expected.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
                var unexpected = tensors.Keys.Where(k => !expected.ContainsKey(k)).ToList();
                var misshaped = expected.Keys.Where(k => tensors.TryGetValue(k, out var t) && !t.shape.SequenceEqual(expected[k].shape))
                    .Select(k => $"{k} {Shape(tensors[k])} (expected {Shape(expected[k])})").ToList();
                if (missing.Count + unexpected.Count + misshaped.Count > 0)
                    throw new InvalidDataException($"{path}: the weights do not fit the CLIP architecture their shapes imply"
                        + List("missing", missing) + List("unexpected", unexpected) + List("wrong shape", misshaped));
                using (no_grad())
                {
                    var converted = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.dtype == expected[kv.Key].dtype ? kv.Value : kv.Value.to(expected[kv.Key].dtype));
                    model.load_state_dict(converted, strict: true);
                }
                return model.Freeze();
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    private static string Shape(Tensor t) => $"[{string.Join('x', t.shape)}]";

    private static string List(string what, List<string> keys) =>
        keys.Count == 0 ? "" : $"; {what}: {string.Join(", ", keys.Take(5))}{(keys.Count > 5 ? $" and {keys.Count - 5} more" : "")}";

    /// <summary>Every tensor by its state-dict name: a TorchScript archive's parameters and buffers, or a pickled state dict.</summary>
    private static Dictionary<string, Tensor> Read(string path)
    {
        if (IsTorchScript(path))
        {
            using var script = jit.load(path);
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, parameter) in script.named_parameters()) tensors[name] = parameter.detach().clone();
            foreach (var (name, buffer) in script.named_buffers()) tensors[name] = buffer.detach().clone();
            // OpenAI's archives also hold the input resolution and context length as attributes, not tensors.
            foreach (string extra in new[] { "input_resolution", "context_length", "vocab_size" })
                if (tensors.Remove(extra, out var t)) t.Dispose();
            return tensors;
        }
        try
        {
            return StateDictFile.Read(path);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a PyTorch state dict or TorchScript archive ({e.Message})", e);
        }
    }

    /// <summary>A TorchScript archive is a zip holding code/ (a pickled state dict has only data.pkl and data/).</summary>
    private static bool IsTorchScript(string path)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            return zip.Entries.Any(e => e.FullName.Contains("/code/", StringComparison.Ordinal) || e.FullName.StartsWith("code/", StringComparison.Ordinal));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
