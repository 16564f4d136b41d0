using System.Text.Json;

namespace ClipLit.Cli.Bench;

/// <summary>Time per operator type from ONNX Runtime profile files (Chrome trace JSON).</summary>
public static class OrtProfile
{
    /// <summary>Milliseconds per operator type (after ONNX Runtime's fusions), largest first.</summary>
    public static IReadOnlyList<(string Operator, double Milliseconds)> ByOperator(IEnumerable<string> files)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var e in json.RootElement.EnumerateArray())
            {
                if (!e.TryGetProperty("cat", out var cat) || cat.GetString() != "Node") continue;
                if (!e.TryGetProperty("name", out var name) || name.GetString()?.EndsWith("_kernel_time", StringComparison.Ordinal) != true) continue;
                string op = e.GetProperty("args").TryGetProperty("op_name", out var o) ? o.GetString() ?? "?" : "?";
                totals[op] = totals.GetValueOrDefault(op) + e.GetProperty("dur").GetDouble() / 1000.0;
            }
        }
        return totals.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, kv.Value)).ToList();
    }
}
