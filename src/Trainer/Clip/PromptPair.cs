namespace ClipLit.Trainer.Clip;

/// <summary>
/// The learnable prompt pair (backlit, well-lit): two sequences of token embeddings (2 x context x
/// width) that CLIP's text encoder reads in place of words, ending where the token row
/// "X X ... X" (one X per learnable token) has its end-of-text token. Saved like the paper's
/// prompt checkpoints: one tensor, <c>embedding_prompt</c>.
/// </summary>
public sealed class PromptPair : Module
{
    [ComponentName(Name = "embedding_prompt")] private readonly Parameter _embedding;
    private readonly long[] _tokenIds; // kept as numbers: a Tensor field would be registered as a buffer and saved

    /// <summary>
    /// Starts from the embeddings of "X X ... X" (<paramref name="length"/> tokens), Xavier-normal
    /// re-initialized as the paper's code does when training prompts from scratch.
    /// </summary>
    public PromptPair(ClipModel clip, ClipTokenizer tokenizer, int length) : base("prompt_pair")
    {
        _tokenIds = PlaceholderIds(tokenizer, length);
        using (no_grad())
        {
            using var tokens = tensor(_tokenIds, [1, ClipTokenizer.ContextLength]);
            var start = clip.EmbedTokens(tokens.expand(2, -1)).detach().clone();
            init.xavier_normal_(start); // seeded by the caller's torch.manual_seed
            _embedding = new Parameter(start);
        }
        RegisterComponents();
    }

    /// <summary>Continues from a saved pair's embeddings (2 x context x width), checked against <paramref name="clip"/>'s text width.</summary>
    /// <exception cref="ArgumentException">The embeddings do not fit <paramref name="clip"/>.</exception>
    public PromptPair(ClipModel clip, ClipTokenizer tokenizer, int length, Tensor embeddings) : base("prompt_pair")
    {
        long width = clip.Architecture.TransformerWidth;
        if (embeddings.shape is not [2, ClipTokenizer.ContextLength, var w] || w != width)
            throw new ArgumentException($"prompt embeddings are [{string.Join("x", embeddings.shape)}], this CLIP needs [2x{ClipTokenizer.ContextLength}x{width}]", nameof(embeddings));
        _tokenIds = PlaceholderIds(tokenizer, length);
        using (no_grad()) _embedding = new Parameter(embeddings.detach().to(float32).clone());
        RegisterComponents();
    }

    public Parameter Embedding => _embedding;

    /// <summary>The pair's text features (2 x embed) through <paramref name="clip"/>.</summary>
    public Tensor TextFeatures(ClipModel clip)
    {
        // The token row only says where the end-of-text token is, whose features are read.
        using var tokens = tensor(_tokenIds, [1, ClipTokenizer.ContextLength], device: _embedding.device);
        return clip.EncodePrompts(_embedding, tokens);
    }

    /// <summary>"X X ... X" tokenized: start, <paramref name="length"/> X tokens, end, padding.</summary>
    private static long[] PlaceholderIds(ClipTokenizer tokenizer, int length) =>
        [.. tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("X", length))).Select(id => (long)id)];
}
