using System.Text.Json;
using ClipLit.Core.Processes;

namespace ClipLit.Bench.Processes;

/// <summary>
/// One output's figures from bench/video_stability.py.
/// Thread-safety: immutable.
/// </summary>
/// <param name="WarpingError">Lai et al.'s warping error, ×1000 (RGB in [0, 1]); lower is steadier.</param>
/// <param name="Flicker">Temporal standard deviation of 16x16 block means of luma, ×1000 (for still scenes).</param>
/// <param name="PsnrMean">Mean PSNR against the reference output (dB), NaN without one.</param>
/// <param name="PsnrWorst">Worst frame's PSNR against the reference output (dB), NaN without one.</param>
public sealed record StabilityFigures(double WarpingError, double Flicker, double PsnrMean, double PsnrWorst);

/// <summary>
/// Temporal stability measured independently of ClipLit's code: bench/video_stability.py (OpenCV's
/// DIS flow on the input, Lai et al.'s warping error with the forward-backward occlusion mask, PSNR
/// against a reference output, low-frequency flicker), and bench/noisy_still_clip.py, which films a
/// still photo as a noisy webcam would.
/// Thread-safety: immutable; each measurement is a process of its own.
/// </summary>
/// <param name="Root">The checkout (its bench folder holds the scripts).</param>
/// <param name="Python">Python with numpy and OpenCV (Debian's python3-opencv).</param>
public sealed record VideoStabilityReference(string Root, string Python)
{
    /// <summary>Figures for each named output of <paramref name="input"/>, against <paramref name="reference"/> (an output too, e.g. the paper per frame).</summary>
    /// <param name="input">The video the outputs were made from (the flow is estimated on it).</param>
    /// <param name="reference">The output PSNR is measured against; null: none.</param>
    /// <param name="outputs">Each output, by the name its figures are returned under.</param>
    /// <param name="pairs">Frame pairs compared and pairs left out as scene cuts.</param>
    /// <param name="cancellation">Stops the measurement.</param>
    /// <exception cref="InvalidOperationException">The script failed.</exception>
    public IReadOnlyDictionary<string, StabilityFigures> Measure(string input, string? reference, IReadOnlyList<(string Name, string Path)> outputs,
        out (int Compared, int Cuts) pairs, CancellationToken cancellation = default)
    {
        var arguments = new List<string> { Script("video_stability.py"), "--input", input };
        if (reference is not null) arguments.AddRange(["--reference", reference]);
        arguments.AddRange(outputs.Select(o => $"{o.Name}={o.Path}"));
        var run = BenchProcess.Run(Python, arguments, BenchProcessOptions.Default, cancellation);
        if (run.ExitCode != 0) throw new InvalidOperationException($"bench/video_stability.py failed: {run.Error.Trim()}");
        using var json = JsonDocument.Parse(run.Output.Split('\n').Last(l => l.TrimStart().StartsWith('{')));
        var root = json.RootElement;
        pairs = (root.GetProperty("pairs").GetInt32(), root.GetProperty("cut_pairs").GetInt32());
        var figures = new Dictionary<string, StabilityFigures>(StringComparer.Ordinal);
        foreach (var output in root.GetProperty("outputs").EnumerateObject())
        {
            var entry = output.Value;
            double Optional(string name) => entry.TryGetProperty(name, out var value) ? value.GetDouble() : double.NaN;
            figures[output.Name] = new StabilityFigures(entry.GetProperty("warping_error").GetDouble(), entry.GetProperty("flicker").GetDouble(),
                Optional("psnr_mean"), Optional("psnr_min"));
        }
        return figures;
    }

    /// <summary>A still photo filmed as a noisy webcam would (fresh sensor noise and H.264 compression each frame) into <paramref name="output"/>.</summary>
    /// <exception cref="InvalidOperationException">The script failed.</exception>
    public void MakeNoisyStill(string photo, string output, int frames, int width, int height, CancellationToken cancellation = default)
    {
        var inv = CultureInfo.InvariantCulture;
        var run = BenchProcess.Run(Python, [Script("noisy_still_clip.py"), "--photo", photo, "--frames", frames.ToString(inv),
            "--width", width.ToString(inv), "--height", height.ToString(inv), output], BenchProcessOptions.Default, cancellation);
        if (run.ExitCode != 0) throw new InvalidOperationException($"bench/noisy_still_clip.py failed: {run.Error.Trim()}");
    }

    /// <summary>Whether <see cref="Python"/> runs and has what the scripts import, checked before anything is measured.</summary>
    /// <exception cref="UsageException">It does not (the line names it and says why).</exception>
    public void Check()
    {
        BenchProcessResult run;
        try
        {
            run = BenchProcess.Run(Python, ["-c", "import cv2, numpy, PIL"], BenchProcessOptions.Default);
        }
        catch (ChildProgramException e)
        {
            throw new UsageException($"bench: --python {Python.ReplaceLineEndings(" ")} cannot be started ({(e.InnerException?.Message ?? e.Message).ReplaceLineEndings(" ")})");
        }
        if (run.ExitCode != 0)
            throw new UsageException($"bench: --python {Python} lacks OpenCV, numpy or Pillow (Debian: python3-opencv): {run.Error.Trim().Split('\n')[^1]}");
    }

    private string Script(string name) => Path.Combine(Root, "bench", name);
}
