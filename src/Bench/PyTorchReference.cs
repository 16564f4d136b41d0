using System.Diagnostics;
using System.Text.Json;

namespace ClipLit.Bench;

/// <summary>One image's PyTorch reference measurement.</summary>
public sealed record ReferenceResult(string Image, int Width, int Height, Timings Forward, double PeakMiB, string TorchVersion);

/// <summary>
/// Runs bench/pytorch_reference.py (the paper's network in PyTorch, written from its description)
/// with Debian's python3-torch, one process per image so peaks are per image. PyTorch runs either
/// as installed (glibc's default allocator settings) or with the huge-page setting ClipLit's
/// launcher uses, so the report can show both comparisons.
/// </summary>
public sealed class PyTorchReference(string python, string script, string checkpoint, int threads)
{
    /// <summary>The allocator setting ClipLit's launcher exports (see ./cliplit).</summary>
    public const string HugePageTunable = "glibc.malloc.hugetlb=1";

    /// <summary>Null when the reference can run, else why not.</summary>
    public string? Problem()
    {
        if (!File.Exists(script)) return $"reference script {script} not found";
        try
        {
            var (code, output) = Run(python, ["-c", "import torch, PIL, numpy; print(torch.__version__)"], TimeSpan.FromMinutes(1));
            return code == 0 ? null : $"{python} cannot import torch, PIL and numpy (install python3-torch python3-pil python3-numpy): {output.Trim()}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{python} cannot be started ({e.Message})";
        }
    }

    public ReferenceResult Measure(string image, int repeat, bool hugePages)
    {
        var (code, output) = Run(python,
            [script, "--checkpoint", checkpoint, "--threads", threads.ToString(), "--repeat", repeat.ToString(), image],
            TimeSpan.FromMinutes(60), hugePages ? HugePageTunable : null);
        if (code != 0) throw new InvalidOperationException($"PyTorch reference failed on {image} (exit {code}): {output.Trim()}");
        string line = output.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
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

    private static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan timeout, string? tunables = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Never inherit the launcher's setting by accident: set exactly what was asked for.
        start.Environment.Remove("GLIBC_TUNABLES");
        if (tunables is not null) start.Environment["GLIBC_TUNABLES"] = tunables;
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} timed out after {timeout}");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }
}
