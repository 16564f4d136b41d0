using ClipLit.Trainer.Model;

namespace ClipLit.Trainer.Clip;

/// <summary>
/// Reads and writes learned prompt pairs in the paper's format: a PyTorch state dict whose
/// <c>module.embedding_prompt</c> (2 x context x width) holds the pair, the key DataParallel gave it
/// in the paper's training. Reading accepts the key with or without <c>module.</c> and ignores the
/// rest (the paper's files also carry a copy of CLIP's text encoder).
/// Thread-safety: stateless.
/// </summary>
public static class PromptPairFile
{
    private const string Key = "embedding_prompt";
    private const string DataParallelKey = "module." + Key;

    /// <summary>The pair's embeddings stored in <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not a prompt pair file; the message names the file.</exception>
    public static Tensor LoadEmbeddings(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such prompt pair file", path);
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = StateDictFile.Read(path);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"{path}: not a PyTorch state dict ({e.Message})", e);
        }
        if (!tensors.TryGetValue(DataParallelKey, out var embeddings) && !tensors.TryGetValue(Key, out embeddings))
            throw new InvalidDataException($"{path}: no '{Key}' tensor (not a prompt pair; it holds {string.Join(", ", tensors.Keys.Take(4))})");
        if (embeddings.dim() != 3 || embeddings.shape[0] != 2)
            throw new InvalidDataException($"{path}: '{Key}' is [{string.Join("x", embeddings.shape)}], a pair is [2 x context x width]");
        return embeddings;
    }

    /// <summary>Writes <paramref name="prompts"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(PromptPair prompts, string path)
    {
        StateDictFile.Write(path, [KeyValuePair.Create(DataParallelKey, (Tensor)prompts.Embedding)]);
    }
}
