namespace ClipLit.Trainer.Model;

/// <summary>
/// Reads and writes <see cref="EnhancementNetwork"/> weights as PyTorch state dicts (zip format)
/// through TorchSharp.PyBridge. Files are written the way the paper's training wrote them, with
/// DataParallel's <c>module.</c> prefix, because the paper's test script strips the first seven
/// characters of every key unconditionally; reading accepts keys with or without it.
/// Thread-safety: stateless.
/// </summary>
public static class EnhancementCheckpointFile
{
    private const string DataParallelPrefix = "module.";

    /// <summary>Loads <paramref name="path"/> into <paramref name="network"/> (strict: every key must match).</summary>
    public static void Load(EnhancementNetwork network, string path)
    {
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in StateDictFile.Read(path))
            state[key.StartsWith(DataParallelPrefix, StringComparison.Ordinal) ? key[DataParallelPrefix.Length..] : key] = tensor;
        using (no_grad())
            network.load_state_dict(state, strict: true);
    }

    /// <summary>Writes the network's state dict to <paramref name="path"/> atomically, keys prefixed with <c>module.</c>.</summary>
    public static void Save(EnhancementNetwork network, string path) =>
        StateDictFile.Write(path, network.state_dict().Select(kv => KeyValuePair.Create(DataParallelPrefix + kv.Key, kv.Value)));
}
