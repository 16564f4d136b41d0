using System.Text;

namespace ClipLit.Bench.Training;

/// <summary>
/// Writes <see cref="TrainingBenchResult"/> as the training section of docs/benchmarks.md.
/// Thread-safety: stateless.
/// </summary>
public static class TrainingReport
{
    public static ReportSection Write(TrainingBenchResult result)
    {
        var (settings, pytorch, ours) = (result.Settings, result.PyTorch, result.Ours);
        var text = new StringBuilder();
        string F(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture);
        text.AppendLine("## Training: seconds per iteration of each stage against PyTorch");
        text.AppendLine();
        text.AppendLine($"`./cliplit bench train` on this machine ({result.Machine}), {settings.Threads} threads, {result.Date:yyyy-MM-dd}. Full-size CLIP with random weights: ViT-B/32 guides (CLIP score, prompts), RN101 gives the reconstruction loss's features; the paper's network from its initial checkpoint; batch {settings.Batch} at {settings.ImageSize}x{settings.ImageSize}, prompt batch {settings.PromptBatch}, prompt length 16. One warm-up, then {settings.Repeat} timed iterations: median seconds. PyTorch 1.13 (Debian python3-torch) runs the paper's train.py steps as written (bench/pytorch_training_step.py), in the same run on the same machine; it is measured with Debian's reference BLAS (what python3-torch uses as installed, with no optimized BLAS present) and with OpenBLAS (libopenblas0-pthread), and ratios are against the faster of the two.");
        text.AppendLine();
        var columns = pytorch.Keys.ToList();
        text.AppendLine("| stage | " + string.Join(" | ", columns.Select(c => $"PyTorch, {c} (s)")) + " | ClipLit (s) | ClipLit / fastest PyTorch |");
        text.AppendLine("|---|" + string.Concat(columns.Select(_ => "---:|")) + "---:|---:|");
        foreach (string stage in TrainingBench.Stages)
        {
            var references = columns.Where(c => pytorch[c].ContainsKey(stage)).Select(c => pytorch[c][stage].Median).ToList();
            string ratio = references.Count > 0 ? (ours[stage].Median / references.Min()).ToString("F2", CultureInfo.InvariantCulture) : "-";
            text.AppendLine($"| {stage} | " + string.Join(" | ", columns.Select(c => pytorch[c].TryGetValue(stage, out var t) ? F(t.Median) : "-")) + $" | {F(ours[stage].Median)} | {ratio} |");
        }
        text.AppendLine();
        text.AppendLine("What the ClipLit enhancement step spends its time on (each part alone, forward + backward, median s):");
        text.AppendLine();
        text.AppendLine("| part | seconds |");
        text.AppendLine("|---|---:|");
        foreach (var (part, time) in result.Parts) text.AppendLine($"| {part} | {F(time.Median)} |");
        text.AppendLine();
        text.AppendLine("Notes: the trainer runs libtorch's oneDNN kernels, steering around their one flaw found here (wrong input gradients of convolutions whose output channels are not a multiple of 16; `src/Trainer/Training/OneDnnSwitch.cs`). The paper's reconstruction step also computes the CLIP score and a second feature loss it does not use, and its prompt steps run the text encoder once per ranked group; ClipLit computes each once, which is part of its ratio on those stages.");
        return new ReportSection("training", text.ToString());
    }
}
