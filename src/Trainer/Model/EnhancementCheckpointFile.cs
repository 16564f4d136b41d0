using ClipLit.Core.Files;
using TorchSharp.PyBridge;

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
        using var stream = File.OpenRead(path);
        var table = PyTorchUnpickler.UnpickleStateDict(stream);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (string key in table.Keys)
            state[key.StartsWith(DataParallelPrefix, StringComparison.Ordinal) ? key[DataParallelPrefix.Length..] : key] = (Tensor)table[key]!;
        using (no_grad())
            network.load_state_dict(state, strict: true);
    }

    /// <summary>Writes the network's state dict to <paramref name="path"/> atomically, keys prefixed with <c>module.</c>.</summary>
    public static void Save(EnhancementNetwork network, string path)
    {
        var state = network.state_dict().ToDictionary(kv => DataParallelPrefix + kv.Key, kv => kv.Value.detach().cpu());
        try
        {
            AtomicFile.Write(path, stream => PyTorchPickler.PickleStateDict(stream, state, leaveOpen: true));
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }
}
