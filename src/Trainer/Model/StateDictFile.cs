using ClipLit.Core.Files;
using TorchSharp.PyBridge;

namespace ClipLit.Trainer.Model;

/// <summary>
/// PyTorch state dict files (what torch.save writes for a dict of tensors), read and written through
/// TorchSharp.PyBridge: how checkpoints, prompt pairs, CLIP weights and resume snapshots keep tensors.
/// Thread-safety: stateless.
/// </summary>
public static class StateDictFile
{
    /// <summary>The tensors <paramref name="path"/> holds, by key, in the file's order (entries that are not tensors are left out).</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var stream = File.OpenRead(path);
        var table = PyTorchUnpickler.UnpickleStateDict(stream);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (string key in table.Keys)
            if (table[key] is Tensor tensor) tensors[key] = tensor;
        return tensors;
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically, each detached and copied to the host first (the copies are freed after).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var state = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu());
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
