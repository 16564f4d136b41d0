namespace ClipLit.Inference.Model;

/// <summary>
/// The parameters of one enhancement network, validated against <see cref="EnhancementArchitecture"/>:
/// every expected name present with its expected shape and nothing else.
/// Thread-safety: immutable after construction. Ownership: owns its tensors.
/// </summary>
public sealed class EnhancementWeights
{
    private const string DataParallelPrefix = "module.";
    private readonly IReadOnlyDictionary<string, TensorData> _tensors;

    private EnhancementWeights(IReadOnlyDictionary<string, TensorData> tensors, string source)
    {
        _tensors = tensors;
        Source = source;
    }

    /// <summary>Where the weights came from (a file path), for messages.</summary>
    public string Source { get; }

    /// <summary>The parameter called <paramref name="name"/> (the paper's name without <c>module.</c>).</summary>
    public TensorData this[string name] => _tensors[name];

    public IEnumerable<KeyValuePair<string, TensorData>> All => _tensors;

    /// <summary>
    /// Checks <paramref name="tensors"/> against the architecture (stripping DataParallel's
    /// <c>module.</c> prefix) and wraps them.
    /// </summary>
    /// <exception cref="ModelLoadException">Names are missing or unexpected, or shapes differ; the message lists them.</exception>
    public static EnhancementWeights Create(string source, IReadOnlyDictionary<string, TensorData> tensors)
    {
        var stripped = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
            stripped[name.StartsWith(DataParallelPrefix, StringComparison.Ordinal) ? name[DataParallelPrefix.Length..] : name] = tensor;

        var expected = EnhancementArchitecture.ParameterShapes;
        var missing = expected.Keys.Where(k => !stripped.ContainsKey(k)).ToList();
        var unexpected = stripped.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var wrongShape = expected.Where(kv => stripped.TryGetValue(kv.Key, out var t) && !t.HasShape(kv.Value))
            .Select(kv => $"{kv.Key} is {stripped[kv.Key].ShapeText}, expected [{string.Join("x", kv.Value)}]")
            .ToList();

        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {Summarize(missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected {Summarize(unexpected)}");
            if (wrongShape.Count > 0) parts.Add($"wrong shape: {Summarize(wrongShape)}");
            throw new ModelLoadException(source,
                "not a CLIP-LIT enhancement network (UNet_emb_oneBranch_symmetry): " + string.Join("; ", parts));
        }
        FiniteWeights.Check(source, stripped);
        return new EnhancementWeights(stripped, source);
    }

    private static string Summarize(List<string> items)
    {
        const int shown = 6;
        var text = string.Join(", ", items.Take(shown));
        return items.Count > shown ? $"{text} and {items.Count - shown} more" : text;
    }
}
