using System.Text.Json;
using ClipLit.Core.Processes;

namespace ClipLit.Bench.Processes;

/// <summary>
/// One image's PyTorch reference measurement.
/// Thread-safety: immutable.
/// </summary>
public sealed record ReferenceResult(string Image, int Width, int Height, Timings Forward, double PeakMiB, string TorchVersion);

/// <summary>
/// Runs bench/pytorch_reference.py (the paper's network in PyTorch, written from its description)
/// with Debian's python3-torch, one process per image so peaks are per image. PyTorch runs either
/// as installed (glibc's default allocator settings) or with the huge-page setting ClipLit's
/// launcher uses, so the report can show both comparisons.
/// Thread-safety: immutable; each measurement is a process of its own.
/// </summary>
public sealed class PyTorchReference(string python, string script, string checkpoint, int threads)
{
    /// <summary>The allocator setting ClipLit's launcher exports (see ./cliplit).</summary>
    public const string HugePageTunable = "glibc.malloc.hugetlb=1";

    /// <summary>Never the launcher's setting by accident: exactly what was asked for (null: glibc's defaults).</summary>
    public static IReadOnlyDictionary<string, string?> Allocator(bool hugePages) =>
        new Dictionary<string, string?> { ["GLIBC_TUNABLES"] = hugePages ? HugePageTunable : null };

    /// <summary>Null when the reference can run, else why not.</summary>
    public string? Problem()
    {
        if (!File.Exists(script)) return $"reference script {script} not found";
        try
        {
            var run = BenchProcess.Run(python, ["-c", "import torch, PIL, numpy; print(torch.__version__)"],
                new BenchProcessOptions(TimeSpan.FromMinutes(1), Allocator(hugePages: false)));
            return run.ExitCode == 0 ? null : $"{python} cannot import torch, PIL and numpy (install python3-torch python3-pil python3-numpy): {(run.Output + run.Error).Trim()}";
        }
        catch (Exception e) when (e is ChildProgramException or TimeoutException)
        {
            return $"{python.ReplaceLineEndings(" ")} cannot be started ({e.Message.ReplaceLineEndings(" ")})";
        }
    }

    /// <exception cref="InvalidOperationException">The reference failed on the image.</exception>
    public ReferenceResult Measure(string image, int repeat, bool hugePages, CancellationToken cancellation = default)
    {
        var run = BenchProcess.Run(python,
            [script, "--checkpoint", checkpoint, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--repeat", repeat.ToString(CultureInfo.InvariantCulture), image],
            new BenchProcessOptions(TimeSpan.FromMinutes(60), Allocator(hugePages)), cancellation);
        if (run.ExitCode != 0) throw new InvalidOperationException($"PyTorch reference failed on {image} (exit {run.ExitCode}): {(run.Output + run.Error).Trim()}");
        string line = run.Output.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new ReferenceResult(
            image,
            root.GetProperty("width").GetInt32(),
            root.GetProperty("height").GetInt32(),
            new Timings(root.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToList()),
            root.GetProperty("peak_rss_mib").GetDouble(),
            root.GetProperty("torch").GetString() ?? "?");
    }
}
