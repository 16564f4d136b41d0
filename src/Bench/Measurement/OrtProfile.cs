using System.Text.Json;

namespace ClipLit.Bench.Measurement;

/// <summary>
/// Operator runs from ONNX Runtime profile files (Chrome trace JSON): time per operator type, runs of given operators.
/// Thread-safety: stateless.
/// </summary>
public static class OrtProfile
{
    /// <summary>Milliseconds per operator type (after ONNX Runtime's fusions), largest first.</summary>
    public static IReadOnlyList<(string Operator, double Milliseconds)> ByOperator(IEnumerable<string> files)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (op, milliseconds) in KernelRuns(files)) totals[op] = totals.GetValueOrDefault(op) + milliseconds;
        return totals.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>How many times any of <paramref name="operators"/> ran (e.g. MemcpyFromHost, MemcpyToHost: copies between host and device).</summary>
    public static int Runs(IEnumerable<string> files, params string[] operators) => KernelRuns(files).Count(run => operators.Contains(run.Operator));

    private static IEnumerable<(string Operator, double Milliseconds)> KernelRuns(IEnumerable<string> files)
    {
        foreach (string file in files)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var e in json.RootElement.EnumerateArray())
            {
                if (!e.TryGetProperty("cat", out var cat) || cat.GetString() != "Node") continue;
                if (!e.TryGetProperty("name", out var name) || name.GetString()?.EndsWith("_kernel_time", StringComparison.Ordinal) != true) continue;
                string op = e.GetProperty("args").TryGetProperty("op_name", out var o) ? o.GetString() ?? "?" : "?";
                yield return (op, e.GetProperty("dur").GetDouble() / 1000.0);
            }
        }
    }
}
