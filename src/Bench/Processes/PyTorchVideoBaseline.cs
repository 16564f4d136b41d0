using System.Text.Json;

namespace ClipLit.Bench.Processes;

/// <summary>
/// The naive video baseline, bench/pytorch_video_baseline.py: ffmpeg decodes, the paper's network
/// runs on every full frame in PyTorch 1.13, ffmpeg encodes, one frame at a time. The video and
/// distill benches measure against it in the same run.
/// Thread-safety: immutable; each measurement is a process of its own.
/// </summary>
/// <param name="Root">The checkout (its bench folder holds the script).</param>
/// <param name="Python">Python with torch 1.13.</param>
/// <param name="Checkpoint">The model.</param>
/// <param name="Threads">PyTorch's threads.</param>
public sealed record PyTorchVideoBaseline(string Root, string Python, string Checkpoint, int Threads)
{
    /// <summary>The baseline's frames per second on the first <paramref name="frames"/> frames of <paramref name="clip"/>.</summary>
    /// <exception cref="InvalidOperationException">The baseline failed.</exception>
    public double FramesPerSecond(string clip, string output, int frames, bool hugePages, CancellationToken cancellation = default)
    {
        string folder = Path.Combine(Root, "bench");
        var run = BenchProcess.Run(Python,
            [Path.Combine(folder, "pytorch_video_baseline.py"), "--checkpoint", Checkpoint, "--threads", Threads.ToString(CultureInfo.InvariantCulture),
                "--frames", frames.ToString(CultureInfo.InvariantCulture), clip, output],
            new BenchProcessOptions(Environment: PyTorchReference.Allocator(hugePages), WorkingDirectory: folder), cancellation);
        if (run.ExitCode != 0) throw new InvalidOperationException($"the video baseline failed: {run.Error.Trim()}");
        using var json = JsonDocument.Parse(run.Output.Split('\n').Last(l => l.TrimStart().StartsWith('{')));
        return json.RootElement.GetProperty("fps").GetDouble();
    }
}
