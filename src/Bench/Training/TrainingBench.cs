using System.Diagnostics;
using System.Text.Json;
using ClipLit.Trainer.Clip;
using ClipLit.Trainer.Model;
using ClipLit.Trainer.Training;
using static TorchSharp.torch;

namespace ClipLit.Bench.Training;

/// <summary>
/// <c>cliplit bench train</c>: seconds per iteration of each training stage with full-size CLIP
/// (ViT-B/32 guiding, RN101 features, random weights) at the paper's batch sizes, against the
/// paper's PyTorch training step (bench/pytorch_training_step.py, PyTorch 1.13) in the same run.
/// PyTorch is measured with Debian's reference BLAS (as python3-torch installs without an optimized
/// BLAS) and with OpenBLAS when it is installed, chosen per process through LD_LIBRARY_PATH. A
/// breakdown of the enhancement step says what dominates.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class TrainingBench
{
    /// <param name="Root">The checkout (the reference script).</param>
    /// <param name="Shared">The shared data folder (CLIP's vocabulary, the initial checkpoint).</param>
    /// <param name="Python">Python with torch 1.13.</param>
    /// <param name="Threads">Threads for both.</param>
    /// <param name="Repeat">Timed iterations after one warm-up.</param>
    /// <param name="Batch">The enhancement batch.</param>
    /// <param name="PromptBatch">The prompt stages' batch.</param>
    /// <param name="ImageSize">The images' side.</param>
    public sealed record Settings(string Root, string Shared, string Python, int Threads, int Repeat, int Batch, int PromptBatch, int ImageSize);

    /// <summary>The stages, in the report's order.</summary>
    public static readonly IReadOnlyList<string> Stages = ["prompt-init", "reconstruction", "enhancement", "prompt-ranking"];

    private const string ReferenceBlas = "/usr/lib/x86_64-linux-gnu/blas";
    private const string OpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-pthread";

    public static TrainingBenchResult Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        var machine = MachineDescription.Detect(cancellation: context.Cancellation);
        set_num_threads(settings.Threads);
        var pytorch = new Dictionary<string, IReadOnlyDictionary<string, Timings>>();
        foreach (var (name, folder) in new[] { ("reference BLAS", ReferenceBlas), ("OpenBLAS", OpenBlas) })
        {
            if (!File.Exists(Path.Combine(folder, "libblas.so.3"))) { log.WriteLine($"bench: {folder}/libblas.so.3 missing; PyTorch with {name} skipped"); continue; }
            log.WriteLine($"bench: PyTorch training steps with {name}...");
            pytorch[name] = MeasurePyTorch(settings, folder, context.Cancellation);
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
        return new TrainingBenchResult(machine, DateTime.UtcNow, settings, pytorch, ours, parts);
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

    /// <summary>The paper's training steps in PyTorch, with the BLAS in <paramref name="blasFolder"/> and glibc's default allocator.</summary>
    private static Dictionary<string, Timings> MeasurePyTorch(Settings settings, string blasFolder, CancellationToken cancellation)
    {
        var inv = CultureInfo.InvariantCulture;
        var run = BenchProcess.Run(settings.Python,
            [
                Path.Combine(settings.Root, "bench", "pytorch_training_step.py"), "--threads", settings.Threads.ToString(inv),
                "--repeat", settings.Repeat.ToString(inv), "--batch", settings.Batch.ToString(inv),
                "--prompt-batch", settings.PromptBatch.ToString(inv), "--image-size", settings.ImageSize.ToString(inv),
            ],
            new BenchProcessOptions(Environment: new Dictionary<string, string?> { ["LD_LIBRARY_PATH"] = blasFolder, ["GLIBC_TUNABLES"] = null }),
            cancellation);
        if (run.ExitCode != 0) throw new InvalidOperationException($"PyTorch training reference failed (exit {run.ExitCode}): {run.Error.Trim()}");
        var results = new Dictionary<string, Timings>();
        foreach (string line in run.Output.Split('\n').Where(l => l.TrimStart().StartsWith('{')))
        {
            using var json = JsonDocument.Parse(line);
            results[json.RootElement.GetProperty("stage").GetString()!] =
                new Timings(json.RootElement.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToList());
        }
        return results;
    }
}
