using System.CommandLine;
using ClipLit.Core.Files;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;
using ClipLit.Trainer.Training;

namespace ClipLit.TrainerApp;

/// <summary><c>cliplit train</c>: learn an enhancement network and prompt pair with the paper's method.</summary>
public sealed class TrainCommand : AppCommand
{
    private static readonly TrainingOptions Defaults = new() { BacklitFolder = "", WellLitFolder = "", ClipVitPath = "", ClipResNetPath = "", VocabularyPath = "", RunFolder = "" };

    // Inputs.
    private readonly Option<string?> _backlit = Define.Text("--backlit", "DIR", "backlit photos");
    private readonly Option<string?> _wellLit = Define.Text("--well-lit", "DIR", "well-lit photos (unpaired)");
    private readonly Option<string?> _clipVit = Define.Text("--clip-vit", "PATH", "guiding CLIP: OpenAI's ViT-B-32.pt (TorchScript) or a state dict");
    private readonly Option<string?> _clipResNet = Define.Text("--clip-rn", "PATH", "CLIP whose ResNet features the reconstruction loss uses: RN101.pt or a state dict");
    private readonly Option<string?> _vocabulary = Define.Text("--vocab", "PATH", "CLIP's bpe_simple_vocab_16e6.txt.gz (default: next to --clip-vit)");
    private readonly Option<string?> _out = Define.Text("--out", "RUN_DIR", "the run folder", "-o");
    private readonly Option<bool> _resume = Define.Flag("--resume", "continue the run in RUN_DIR from its last snapshot (its options are reused)");
    private readonly Option<string?> _initModel = Define.Text("--init-model", "PATH", "start the network from a checkpoint (skips reconstruction by default)");
    private readonly Option<string?> _initPrompt = Define.Text("--init-prompt", "PATH", "start the prompts from a prompt pair (skips initialization by default)");

    // Schedule.
    private readonly Option<int?> _promptInitIterations = Count("--prompt-init-iters", "schedule: prompt initialization (default 8000; 0 with --init-prompt)");
    private readonly Option<int?> _reconstructionIterations = Count("--reconstruction-iters", "schedule: reconstruction stage (default 1000; 0 with --init-model)");
    private readonly Option<int?> _enhanceIterations = Count("--enhance-iters", $"schedule: enhancement iterations per round (default {Defaults.EnhanceIterations})");
    private readonly Option<int?> _promptIterations = Count("--prompt-iters", $"schedule: prompt fine-tuning iterations per round (default {Defaults.PromptIterations})");
    private readonly Option<int?> _rounds = Define.Integer("--rounds", "N", 0, 10_000, $"schedule: rounds of enhancement + prompt fine-tuning (default {Defaults.Rounds})");
    private readonly Option<double?> _enhanceThreshold = Define.Number("--enhance-threshold", "X",
        $"schedule: extend enhancement by 60 while its loss is above X (default {Defaults.EnhanceLossThreshold})");
    private readonly Option<double?> _promptThreshold = Define.Number("--prompt-threshold", "X",
        $"schedule: extend prompt stages by 100 while their loss is above X (default {Defaults.PromptLossThreshold})");

    // Optimization.
    private readonly Option<int?> _promptLength = Define.Integer("--prompt-length", "N", 1, 70, $"learnable prompt tokens (default {Defaults.PromptLength})");
    private readonly Option<double?> _learningRate = Define.Number("--lr", "X", "network learning rate (default 2e-5)");
    private readonly Option<double?> _promptLearningRate = Define.Number("--prompt-lr", "X", "prompt learning rate (default 5e-6)");
    private readonly Option<double?> _weightDecay = Define.Number("--weight-decay", "X", "Adam weight decay (default 1e-3)");
    private readonly Option<int?> _batch = Define.Integer("--batch", "N", 1, 4096, $"enhancement batch (default {Defaults.BatchSize})");
    private readonly Option<int?> _promptBatch = Define.Integer("--prompt-batch", "N", 1, 4096, $"prompt batch (default {Defaults.PromptBatchSize})");
    private readonly Option<int?> _imageSize = Define.Integer("--image-size", "N", 32, 4096, $"training image size (default {Defaults.ImageSize})");
    private readonly Option<int?> _seed = Count("--seed", $"seed for initialization, shuffling and augmentation (default {Defaults.Seed})");
    private readonly Option<string?> _device = Define.Text("--device", "NAME", $"cpu, cuda, cuda:N or auto (default {Defaults.Device})");

    // Output.
    private readonly Option<int?> _snapshotInterval = Define.Integer("--snapshot-interval", "N", 1, int.MaxValue,
        $"checkpoints, samples and resume state every N iterations (default {Defaults.SnapshotInterval})");
    private readonly Option<int?> _displayInterval = Define.Integer("--display-interval", "N", 1, int.MaxValue,
        $"progress, TensorBoard scalars and best-model checks every N (default {Defaults.DisplayInterval})");
    private readonly Option<int?> _samples = Define.Integer("--samples", "N", 0, 64, $"backlit photos shown in the samples (default {Defaults.SampleCount})");

    /// <summary>What <c>cliplit train --help</c> prints (without its last line break).</summary>
    public static string Help => CommandLineApp.HelpText(Program.CreateRoot(CliContext.Silent), "train");

    public TrainCommand(CliContext context) : base("train", "train a new model from backlit and well-lit photos (the paper's method)")
    {
        foreach (Option option in (Option[])[_backlit, _wellLit, _clipVit, _clipResNet, _vocabulary, _out, _resume, _initModel, _initPrompt,
                     _promptInitIterations, _reconstructionIterations, _enhanceIterations, _promptIterations, _rounds, _enhanceThreshold, _promptThreshold,
                     _promptLength, _learningRate, _promptLearningRate, _weightDecay, _batch, _promptBatch, _imageSize, _seed, _device,
                     _snapshotInterval, _displayInterval, _samples])
            Options.Add(option);
        Validators.Add(result =>
        {
            if (result.GetResult(_out) is null) result.AddError("--out RUN_DIR is required");
        });
        Explain("Details", """
            Trains a CLIP-LIT enhancement network from two unpaired folders of photos with the paper's
            iterative prompt learning: prompt initialization, a reconstruction (identity) stage, then
            rounds of CLIP-guided enhancement training and prompt fine-tuning on ranked results.
            Defaults are the paper's. RUN_DIR receives checkpoints (.pth in PyTorch's format and .onnx,
            written atomically, so 'cliplit live --watch RUN_DIR' shows them as they come), prompts/,
            samples/, tensorboard/ (tensorboard --logdir RUN_DIR/tensorboard) and state/ for --resume.
            Ctrl+C stops after the current iteration with a snapshot; --resume goes on from it.
            """);
        Explain("Examples", """
            cliplit train --backlit DIR --well-lit DIR --clip-vit PATH --clip-rn PATH --out RUN_DIR [options]
            cliplit train --out RUN_DIR --resume
            """);
        SetAction(result => Run(result, context));
    }

    private static Option<int?> Count(string name, string description) => Define.Integer(name, "N", 0, int.MaxValue, description);

    private int Run(ParseResult args, CliContext context)
    {
        try
        {
            string runFolder = args.GetValue(_out)!;
            var run = new RunFolder(runFolder);

            TrainingOptions options;
            string? resumeFrom = null;
            if (args.GetValue(_resume))
            {
                options = run.ReadOptions<TrainingOptions>();
                resumeFrom = run.LatestState();
                if (resumeFrom is null) return Fail(context, $"{run.States}: no snapshot to resume from");
                if (args.GetValue(_device) is { } device) options = options with { Device = device };
            }
            else
            {
                options = FromArguments(args, runFolder);
                if (options.FindProblem() is { } problem) throw new UsageException("train: " + problem);
                if (run.LatestState() is not null)
                    return Fail(context, $"{run.Root}: already holds a run (use --resume to continue it, or another --out)");
                foreach (var (what, path) in new[] { ("--clip-vit", options.ClipVitPath), ("--clip-rn", options.ClipResNetPath), ("--vocab", options.VocabularyPath),
                             ("--init-model", options.InitialModel), ("--init-prompt", options.InitialPrompt) })
                {
                    if (path is null) continue; // the optional ones
                    if (!File.Exists(path)) return Fail(context, $"{path}: no such file ({what})");
                    // Unopened: a pipe under that name would wait for a writer.
                    if (ContentFile.IsEmpty(path)) return Fail(context, $"{path}: {ContentFile.EmptyProblem} ({what})");
                }
                run.Create();
                run.WriteOptions(options);
            }

            using var trainer = new ClipLitTrainer(options, context.Out, resumeFrom);
            trainer.Run(context.Cancellation);
            return context.Cancellation.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            return Fail(context, e.Message);
        }
    }

    private TrainingOptions FromArguments(ParseResult args, string runFolder)
    {
        string Required(Option<string?> option) => args.GetValue(option) ?? throw new UsageException($"train: {option.Name} is required");
        string clipVit = Required(_clipVit);
        return new TrainingOptions
        {
            BacklitFolder = Required(_backlit),
            WellLitFolder = Required(_wellLit),
            ClipVitPath = clipVit,
            ClipResNetPath = Required(_clipResNet),
            VocabularyPath = args.GetValue(_vocabulary) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(clipVit))!, "bpe_simple_vocab_16e6.txt.gz"),
            RunFolder = runFolder,
            InitialModel = args.GetValue(_initModel),
            InitialPrompt = args.GetValue(_initPrompt),
            PromptInitIterations = args.GetValue(_promptInitIterations),
            ReconstructionIterations = args.GetValue(_reconstructionIterations),
            EnhanceIterations = args.GetValue(_enhanceIterations) ?? Defaults.EnhanceIterations,
            PromptIterations = args.GetValue(_promptIterations) ?? Defaults.PromptIterations,
            Rounds = args.GetValue(_rounds) ?? Defaults.Rounds,
            EnhanceLossThreshold = args.GetValue(_enhanceThreshold) ?? Defaults.EnhanceLossThreshold,
            PromptLossThreshold = args.GetValue(_promptThreshold) ?? Defaults.PromptLossThreshold,
            PromptLength = args.GetValue(_promptLength) ?? Defaults.PromptLength,
            NetworkLearningRate = args.GetValue(_learningRate) ?? Defaults.NetworkLearningRate,
            PromptLearningRate = args.GetValue(_promptLearningRate) ?? Defaults.PromptLearningRate,
            WeightDecay = args.GetValue(_weightDecay) ?? Defaults.WeightDecay,
            BatchSize = args.GetValue(_batch) ?? Defaults.BatchSize,
            PromptBatchSize = args.GetValue(_promptBatch) ?? Defaults.PromptBatchSize,
            ImageSize = args.GetValue(_imageSize) ?? Defaults.ImageSize,
            Seed = (ulong?)args.GetValue(_seed) ?? Defaults.Seed,
            Device = args.GetValue(_device) ?? Defaults.Device,
            SnapshotInterval = args.GetValue(_snapshotInterval) ?? Defaults.SnapshotInterval,
            DisplayInterval = args.GetValue(_displayInterval) ?? Defaults.DisplayInterval,
            SampleCount = args.GetValue(_samples) ?? Defaults.SampleCount,
        };
    }

    private static int Fail(CliContext context, string message)
    {
        context.Error.WriteLine($"error: {message}");
        return ExitCodes.SomeFailed;
    }
}
