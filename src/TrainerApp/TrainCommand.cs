using System.Globalization;
using System.Text.Json;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;
using ClipLit.Trainer.Training;

namespace ClipLit.TrainerApp;

/// <summary><c>cliplit train</c>: learn an enhancement network and prompt pair with the paper's method.</summary>
public static class TrainCommand
{
    public const string Help = """
        Usage: cliplit train --backlit DIR --well-lit DIR --clip-vit PATH --clip-rn PATH --out RUN_DIR [options]
               cliplit train --out RUN_DIR --resume

        Trains a CLIP-LIT enhancement network from two unpaired folders of photos with the paper's
        iterative prompt learning: prompt initialization, a reconstruction (identity) stage, then
        rounds of CLIP-guided enhancement training and prompt fine-tuning on ranked results.
        Defaults are the paper's. RUN_DIR receives checkpoints (.pth in PyTorch's format and .onnx,
        written atomically, so 'cliplit live --watch RUN_DIR' shows them as they come), prompts/,
        samples/, tensorboard/ (tensorboard --logdir RUN_DIR/tensorboard) and state/ for --resume.
        Ctrl+C stops after the current iteration with a snapshot; --resume goes on from it.

        Inputs:
          --backlit DIR             backlit photos
          --well-lit DIR            well-lit photos (unpaired)
          --clip-vit PATH           guiding CLIP: OpenAI's ViT-B-32.pt (TorchScript) or a state dict
          --clip-rn PATH            CLIP whose ResNet features the reconstruction loss uses: RN101.pt or a state dict
          --vocab PATH              CLIP's bpe_simple_vocab_16e6.txt.gz (default: next to --clip-vit)
          --out RUN_DIR             the run folder
          --resume                  continue the run in RUN_DIR from its last snapshot (its options are reused)
          --init-model PATH         start the network from a checkpoint (skips reconstruction by default)
          --init-prompt PATH        start the prompts from a prompt pair (skips initialization by default)

        Schedule:
          --prompt-init-iters N     prompt initialization (default 8000; 0 with --init-prompt)
          --reconstruction-iters N  reconstruction stage (default 1000; 0 with --init-model)
          --enhance-iters N         enhancement iterations per round (default 2100)
          --prompt-iters N          prompt fine-tuning iterations per round (default 1000)
          --rounds N                rounds of enhancement + prompt fine-tuning (default 3)
          --enhance-threshold X     extend enhancement by 60 while its loss is above X (default 90)
          --prompt-threshold X      extend prompt stages by 100 while their loss is above X (default 60)

        Optimization:
          --prompt-length N         learnable prompt tokens (default 16)
          --lr X                    network learning rate (default 2e-5)
          --prompt-lr X             prompt learning rate (default 5e-6)
          --weight-decay X          Adam weight decay (default 1e-3)
          --batch N                 enhancement batch (default 8)
          --prompt-batch N          prompt batch (default 16)
          --image-size N            training image size (default 512)
          --seed N                  seed for initialization, shuffling and augmentation (default 1143)
          --device NAME             cpu, cuda, cuda:N or auto (default auto)

        Output:
          --snapshot-interval N     checkpoints, samples and resume state every N iterations (default 20)
          --display-interval N      progress, TensorBoard scalars and best-model checks every N (default 20)
          --samples N               backlit photos shown in the samples (default 4)
          -h, --help                show this help
        """;

    private static readonly OptionSpec Options = new OptionSpec()
        .Value("backlit", "--backlit").Value("well-lit", "--well-lit").Value("clip-vit", "--clip-vit").Value("clip-rn", "--clip-rn")
        .Value("vocab", "--vocab").Value("out", "-o", "--out").Flag("resume", "--resume")
        .Value("init-model", "--init-model").Value("init-prompt", "--init-prompt")
        .Value("prompt-init-iters", "--prompt-init-iters").Value("reconstruction-iters", "--reconstruction-iters")
        .Value("enhance-iters", "--enhance-iters").Value("prompt-iters", "--prompt-iters").Value("rounds", "--rounds")
        .Value("enhance-threshold", "--enhance-threshold").Value("prompt-threshold", "--prompt-threshold")
        .Value("prompt-length", "--prompt-length").Value("lr", "--lr").Value("prompt-lr", "--prompt-lr").Value("weight-decay", "--weight-decay")
        .Value("batch", "--batch").Value("prompt-batch", "--prompt-batch").Value("image-size", "--image-size")
        .Value("seed", "--seed").Value("device", "--device")
        .Value("snapshot-interval", "--snapshot-interval").Value("display-interval", "--display-interval").Value("samples", "--samples");

    public static int Run(IReadOnlyList<string> arguments, CliContext context)
    {
        var args = ParsedArguments.ParseOrShowHelp("train", arguments, Options, Help, context.Out);
        if (args is null) return ExitCodes.Success;
        if (args.Positionals.Count > 0) throw new UsageException($"train: unexpected argument '{args.Positionals[0]}'");
        string runFolder = args.Value("out") ?? throw new UsageException("train: --out RUN_DIR is required");
        var run = new RunFolder(runFolder);

        TrainingOptions options;
        string? resumeFrom = null;
        if (args.Has("resume"))
        {
            if (!File.Exists(run.OptionsFile)) return Fail(context, $"{run.OptionsFile}: no run to resume (missing)");
            resumeFrom = run.LatestState();
            if (resumeFrom is null) return Fail(context, $"{run.States}: no snapshot to resume from");
            options = JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(run.OptionsFile))!;
            if (args.Value("device") is { } device) options = options with { Device = device };
        }
        else
        {
            options = FromArguments(args, runFolder);
            if (options.FindProblem() is { } problem) throw new UsageException("train: " + problem);
            if (run.LatestState() is not null)
                return Fail(context, $"{run.Root}: already holds a run (use --resume to continue it, or another --out)");
            foreach (var (what, path) in new[] { ("--clip-vit", options.ClipVitPath), ("--clip-rn", options.ClipResNetPath), ("--vocab", options.VocabularyPath) })
                if (!File.Exists(path)) return Fail(context, $"{path}: no such file ({what})");
            foreach (var (what, path) in new[] { ("--init-model", options.InitialModel), ("--init-prompt", options.InitialPrompt) })
                if (path is not null && !File.Exists(path)) return Fail(context, $"{path}: no such file ({what})");
            run.Create();
            Core.AtomicFile.Write(run.OptionsFile, stream => JsonSerializer.Serialize(stream, options, new JsonSerializerOptions { WriteIndented = true }));
        }

        try
        {
            using var trainer = new ClipLitTrainer(options, context.Out, resumeFrom);
            trainer.Run(context.Cancellation);
            return context.Cancellation.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            return Fail(context, e.Message);
        }
    }

    private static TrainingOptions FromArguments(ParsedArguments args, string runFolder)
    {
        string Required(string name) => args.Value(name) ?? throw new UsageException($"train: --{name} is required");
        string clipVit = Required("clip-vit");
        var defaults = new TrainingOptions { BacklitFolder = "", WellLitFolder = "", ClipVitPath = "", ClipResNetPath = "", VocabularyPath = "", RunFolder = "" };
        return new TrainingOptions
        {
            BacklitFolder = Required("backlit"),
            WellLitFolder = Required("well-lit"),
            ClipVitPath = clipVit,
            ClipResNetPath = Required("clip-rn"),
            VocabularyPath = args.Value("vocab") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(clipVit))!, "bpe_simple_vocab_16e6.txt.gz"),
            RunFolder = runFolder,
            InitialModel = args.Value("init-model"),
            InitialPrompt = args.Value("init-prompt"),
            PromptInitIterations = args.Value("prompt-init-iters") is null ? null : args.Int("prompt-init-iters", 0, 0, int.MaxValue),
            ReconstructionIterations = args.Value("reconstruction-iters") is null ? null : args.Int("reconstruction-iters", 0, 0, int.MaxValue),
            EnhanceIterations = args.Int("enhance-iters", defaults.EnhanceIterations, 0, int.MaxValue),
            PromptIterations = args.Int("prompt-iters", defaults.PromptIterations, 0, int.MaxValue),
            Rounds = args.Int("rounds", defaults.Rounds, 0, 10_000),
            EnhanceLossThreshold = Number(args, "enhance-threshold", defaults.EnhanceLossThreshold),
            PromptLossThreshold = Number(args, "prompt-threshold", defaults.PromptLossThreshold),
            PromptLength = args.Int("prompt-length", defaults.PromptLength, 1, 70),
            NetworkLearningRate = Number(args, "lr", defaults.NetworkLearningRate),
            PromptLearningRate = Number(args, "prompt-lr", defaults.PromptLearningRate),
            WeightDecay = Number(args, "weight-decay", defaults.WeightDecay),
            BatchSize = args.Int("batch", defaults.BatchSize, 1, 4096),
            PromptBatchSize = args.Int("prompt-batch", defaults.PromptBatchSize, 1, 4096),
            ImageSize = args.Int("image-size", defaults.ImageSize, 32, 4096),
            Seed = (ulong)args.Int("seed", (int)defaults.Seed, 0, int.MaxValue),
            Device = args.Value("device") ?? defaults.Device,
            SnapshotInterval = args.Int("snapshot-interval", defaults.SnapshotInterval, 1, int.MaxValue),
            DisplayInterval = args.Int("display-interval", defaults.DisplayInterval, 1, int.MaxValue),
            SampleCount = args.Int("samples", defaults.SampleCount, 0, 64),
        };
    }

    private static double Number(ParsedArguments args, string name, double fallback)
    {
        string? text = args.Value(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new UsageException($"train: --{name} must be a number, got '{text}'");
        return value;
    }

    private static int Fail(CliContext context, string message)
    {
        context.Error.WriteLine($"error: {message}");
        return ExitCodes.SomeFailed;
    }
}
