namespace ClipLit.Inference.Model;

/// <summary>
/// Refuses weights holding NaN or infinity: such a model turns every picture black or white
/// without any error, so it is stopped where it is loaded, with the first bad tensor named.
/// </summary>
public static class FiniteWeights
{
    /// <exception cref="ModelLoadException">A value is NaN or infinite.</exception>
    public static void Check(string source, IEnumerable<KeyValuePair<string, TensorData>> tensors)
    {
        foreach (var (name, tensor) in tensors)
        {
            var values = tensor.Values.AsSpan();
            for (int i = 0; i < values.Length; i++)
            {
                if (float.IsFinite(values[i])) continue;
                int bad = 0;
                foreach (float v in values) if (!float.IsFinite(v)) bad++;
                string what = float.IsNaN(values[i]) ? "NaN" : "infinity";
                throw new ModelLoadException(source, $"weight {name} holds {what} ({bad} of {values.Length} values not finite): the model is broken");
            }
        }
    }
}
