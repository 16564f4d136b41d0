using ClipLit.Inference.Model;

namespace ClipLit.Inference.Student;

/// <summary>Checks a student's parameters against its architecture.</summary>
public static class StudentWeights
{
    /// <exception cref="ModelLoadException">Names missing or unexpected, shapes wrong, or values not finite.</exception>
    public static void Check(StudentArchitecture architecture, IReadOnlyDictionary<string, TensorData> weights, string source)
    {
        var expected = architecture.ParameterShapes();
        var problems = new List<string>();
        problems.AddRange(expected.Keys.Where(k => !weights.ContainsKey(k)).Select(k => $"missing {k}"));
        problems.AddRange(weights.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"unexpected {k}"));
        problems.AddRange(expected.Where(kv => weights.TryGetValue(kv.Key, out var t) && !t.HasShape(kv.Value))
            .Select(kv => $"{kv.Key} is {weights[kv.Key].ShapeText}, expected [{string.Join("x", kv.Value)}]"));
        if (problems.Count > 0)
            throw new ModelLoadException(source, $"not a student of {architecture.Describe()}: {string.Join("; ", problems.Take(6))}");
        FiniteWeights.Check(source, weights);
    }
}
