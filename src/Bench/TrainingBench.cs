using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClipLit.Cli;
using ClipLit.Trainer.Clip;
using ClipLit.Trainer.Model;
using ClipLit.Trainer.Training;
using static TorchSharp.torch;

namespace ClipLit.Bench;

/// <summary>
/// <c>cliplit bench --train</c>: seconds per iteration of each training stage with full-size CLIP
/// (ViT-B/32 guiding, RN101 features, random weights) at the paper's batch sizes, against the
/// paper's PyTorch training step (bench/pytorch_training_step.py, PyTorch 1.13) in the same run.
/// PyTorch is measured with Debian's reference BLAS (as python3-torch installs without an optimized
/// BLAS) and with OpenBLAS when it is installed, chosen per process through LD_LIBRARY_PATH. A
/// breakdown of the enhancement step says what dominates.
/// </summary>
public static class TrainingBench
{
    public sealed record Settings(string Root, string Shared, string Output, string Python, int Threads, int Repeat, int Batch, int PromptBatch, int ImageSize);

    private static readonly string[] Stages = ["prompt-init", "reconstruction", "enhancement", "prompt-ranking"];
    private const string ReferenceBlas = "/usr/lib/x86_64-linux-gnu/blas";
    private const string OpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-pthread";

    public static int Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        set_num_threads(settings.Threads);
        var pytorch = new Dictionary<string, Dictionary<string, Timings>>();
        foreach (var (name, folder) in new[] { ("reference BLAS", ReferenceBlas), ("OpenBLAS", OpenBlas) })
        {
            if (!File.Exists(Path.Combine(folder, "libblas.so.3"))) { log.WriteLine($"bench: {folder}/libblas.so.3 missing; PyTorch with {name} skipped"); continue; }
            log.WriteLine($"bench: PyTorch training steps with {name}...");
            pytorch[name] = MeasurePyTorch(settings, folder);
        }

        log.WriteLine("bench: ClipLit training steps...");
        using var guide = RandomClip(VitB32);
        using var features = RandomClip(Rn101);
        var tokenizer = ClipTokenizer.Load(Path.Combine(settings.Shared, "clip", "bpe_simple_vocab_16e6.txt.gz"));
        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, Path.Combine(settings.Shared, "models", "clip-lit", "init_enhancement_model.pth"));
        using var prompts = new PromptPair(guide, tokenizer, 16);
        using var steps = new ClipLitSteps(network, prompts, guide, features, new TrainingRates());
        manual_seed(0);
        using var backlit = rand(settings.Batch, 3, settings.ImageSize, settings.ImageSize);
        using var imageFeatures = functional_normalize(randn(settings.PromptBatch, 512));
        using var labels = randint(0, 2, [settings.PromptBatch], dtype: ScalarType.Int64);
        var groups = Enumerable.Range(0, 4).Select(i => imageFeatures.roll(i, 0)).ToList();
        var ours = new Dictionary<string, Timings>
        {
            ["prompt-init"] = Time(settings.Repeat, () => steps.PromptInitializationStep(imageFeatures, labels)),
            ["reconstruction"] = Time(settings.Repeat, () => steps.EnhancementStep(backlit, reconstructionStage: true)),
            ["enhancement"] = Time(settings.Repeat, () => steps.EnhancementStep(backlit, reconstructionStage: false)),
            ["prompt-ranking"] = Time(settings.Repeat, () => steps.PromptRankingStep(groups, 0.9, 0.1)),
        };
        log.WriteLine("bench: what the enhancement step spends its time on...");
        var parts = Breakdown(settings.Repeat, network, guide, features, prompts, backlit);
        foreach (var group in groups) group.Dispose();

        string report = Report(settings, pytorch, ours, parts);
        ReportFile.Publish(settings.Output, "training", report, context, "bench --train");
        return ExitCodes.Success;
    }

    /// <summary>ViT-B/32 and RN101 as OpenAI's build_model reads them from their weights.</summary>
    private static readonly ClipArchitecture VitB32 = new(512, 224, [12], 768, 32, 77, 49408, 512, 8, 12);
    private static readonly ClipArchitecture Rn101 = new(512, 224, [3, 4, 23, 3], 64, null, 77, 49408, 512, 8, 12);

    private static ClipModel RandomClip(ClipArchitecture architecture)
    {
        var model = new ClipModel(architecture);
        using (no_grad())
            foreach (var parameter in model.parameters()) parameter.normal_(0, 0.02); // defined values (some start uninitialized)
        return model.Freeze();
    }

    private static Tensor functional_normalize(Tensor x)
    {
        using var raw = x;
        return nn.functional.normalize(raw, dim: -1);
    }

    /// <summary>One warm-up, then <paramref name="repeat"/> timed runs.</summary>
    private static Timings Time(int repeat, Action step)
    {
        step();
        var seconds = new List<double>();
        for (int i = 0; i < repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            step();
            seconds.Add(watch.Elapsed.TotalSeconds);
        }
        return new Timings(seconds);
    }

    /// <summary>Forward and backward of each part of the enhancement loss on its own.</summary>
    private static List<(string Part, Timings Time)> Breakdown(int repeat, EnhancementNetwork network, ClipModel guide, ClipModel features, PromptPair prompts, Tensor backlit)
    {
        Tensor text;
        using (no_grad()) text = prompts.TextFeatures(guide);
        using var _ = text;
        void Backward(Func<Tensor> loss)
        {
            using var scope = NewDisposeScope();
            network.zero_grad();
            loss().backward();
        }
        Tensor Input()
        {
            var x = backlit.clone();
            x.requires_grad = true;
            return x;
        }
        return
        [
            ("enhancement network (forward + backward)", Time(repeat, () => Backward(() => network.forward(backlit).mean()))),
            ("ViT-B/32 CLIP score (forward + backward to the images)", Time(repeat, () => Backward(() => ClipLitLosses.ClipScore(guide, Input(), text)))),
            ("RN101 feature loss (2 forwards + backward to the images)", Time(repeat, () => Backward(() => ClipLitLosses.ReconstructionLoss(features, Input(), backlit, ClipLitLosses.EnhancementFeatureWeights)))),
        ];
    }

    private static Dictionary<string, Timings> MeasurePyTorch(Settings settings, string blasFolder)
    {
        var start = new ProcessStartInfo(settings.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LD_LIBRARY_PATH"] = blasFolder;
        start.Environment.Remove("GLIBC_TUNABLES");
        foreach (string argument in new[]
                 {
                     Path.Combine(settings.Root, "bench", "pytorch_training_step.py"), "--threads", settings.Threads.ToString(CultureInfo.InvariantCulture),
                     "--repeat", settings.Repeat.ToString(CultureInfo.InvariantCulture), "--batch", settings.Batch.ToString(CultureInfo.InvariantCulture),
                     "--prompt-batch", settings.PromptBatch.ToString(CultureInfo.InvariantCulture), "--image-size", settings.ImageSize.ToString(CultureInfo.InvariantCulture),
                 })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {settings.Python}");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"PyTorch training reference failed (exit {process.ExitCode}): {error.Result.Trim()}");
        var results = new Dictionary<string, Timings>();
        foreach (string line in output.Split('\n').Where(l => l.TrimStart().StartsWith('{')))
        {
            using var json = JsonDocument.Parse(line);
            results[json.RootElement.GetProperty("stage").GetString()!] =
                new Timings(json.RootElement.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToList());
        }
        return results;
    }

    private static string Report(Settings settings, Dictionary<string, Dictionary<string, Timings>> pytorch, Dictionary<string, Timings> ours,
        List<(string Part, Timings Time)> parts)
    {
        var text = new StringBuilder();
        string F(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture);
        text.AppendLine("## Training: seconds per iteration of each stage against PyTorch");
        text.AppendLine();
        text.AppendLine($"`./cliplit bench --train` on {Environment.ProcessorCount} cores, {settings.Threads} threads, {DateTime.UtcNow:yyyy-MM-dd}. Full-size CLIP with random weights: ViT-B/32 guides (CLIP score, prompts), RN101 gives the reconstruction loss's features; the paper's network from its initial checkpoint; batch {settings.Batch} at {settings.ImageSize}x{settings.ImageSize}, prompt batch {settings.PromptBatch}, prompt length 16. One warm-up, then {settings.Repeat} timed iterations: median seconds. PyTorch 1.13 (Debian python3-torch) runs the paper's train.py steps as written (bench/pytorch_training_step.py), in the same run on the same machine; it is measured with Debian's reference BLAS (what python3-torch uses as installed, with no optimized BLAS present) and with OpenBLAS (libopenblas0-pthread), and ratios are against the faster of the two.");
        text.AppendLine();
        var columns = pytorch.Keys.ToList();
        text.AppendLine("| stage | " + string.Join(" | ", columns.Select(c => $"PyTorch, {c} (s)")) + " | ClipLit (s) | ClipLit / fastest PyTorch |");
        text.AppendLine("|---|" + string.Concat(columns.Select(_ => "---:|")) + "---:|---:|");
        foreach (string stage in Stages)
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
        foreach (var (part, time) in parts) text.AppendLine($"| {part} | {F(time.Median)} |");
        text.AppendLine();
        text.AppendLine("Notes: the trainer runs libtorch's oneDNN kernels, steering around their one flaw found here (wrong input gradients of convolutions whose output channels are not a multiple of 16; `src/Trainer/Training/OneDnnSwitch.cs`). The paper's reconstruction step also computes the CLIP score and a second feature loss it does not use, and its prompt steps run the text encoder once per ranked group; ClipLit computes each once, which is part of its ratio on those stages.");
        return text.ToString();
    }
}
