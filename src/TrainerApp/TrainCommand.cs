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

    // Inputs: required (or, --vocab, found beside another), so not part of the record's defaults.
    private readonly Option<string?> _backlit = Define.Text("--backlit", "DIR", "backlit photos");
    private readonly Option<string?> _wellLit = Define.Text("--well-lit", "DIR", "well-lit photos (unpaired)");
    private readonly Option<string?> _clipVit = Define.Text("--clip-vit", "PATH", "guiding CLIP: OpenAI's ViT-B-32.pt (TorchScript) or a state dict");
    private readonly Option<string?> _clipResNet = Define.Text("--clip-rn", "PATH", "CLIP whose ResNet features the reconstruction loss uses: RN101.pt or a state dict");
    private readonly Option<string?> _vocabulary = Define.Text("--vocab", "PATH", "CLIP's bpe_simple_vocab_16e6.txt.gz (default: next to --clip-vit)");
    private readonly Option<string?> _out = Define.Text("--out", "RUN_DIR", "the run folder", "-o");
    private readonly Option<bool> _resume = Define.Flag("--resume", "continue the run in RUN_DIR from its last snapshot (its options are reused)");
    // The rest: each sets its property of TrainingOptions.
    private readonly RecordOptions<TrainingOptions> _settings;

    /// <summary>What <c>cliplit train --help</c> prints (without its last line break).</summary>
    public static string Help => CommandLineApp.HelpText(Program.CreateRoot(CliContext.Silent), "train");

    public TrainCommand(CliContext context) : base("train", "train a new model from backlit and well-lit photos (the paper's method)")
    {
        foreach (Option option in (Option[])[_backlit, _wellLit, _clipVit, _clipResNet, _vocabulary, _out, _resume])
            Options.Add(option);
        _settings = new RecordOptions<TrainingOptions>(this);
        _settings.Add(Define.Text("--init-model", "PATH", "start the network from a checkpoint (skips reconstruction by default)"), (o, v) => o with { InitialModel = v });
        _settings.Add(Define.Text("--init-prompt", "PATH", "start the prompts from a prompt pair (skips initialization by default)"), (o, v) => o with { InitialPrompt = v });

        // Schedule.
        _settings.Add(Count("--prompt-init-iters", "schedule: prompt initialization (default 8000; 0 with --init-prompt)"), (o, v) => o with { PromptInitIterations = v });
        _settings.Add(Count("--reconstruction-iters", "schedule: reconstruction stage (default 1000; 0 with --init-model)"), (o, v) => o with { ReconstructionIterations = v });
        _settings.Add(Count("--enhance-iters", $"schedule: enhancement iterations per round (default {Defaults.EnhanceIterations})"), (o, v) => o with { EnhanceIterations = v });
        _settings.Add(Count("--prompt-iters", $"schedule: prompt fine-tuning iterations per round (default {Defaults.PromptIterations})"), (o, v) => o with { PromptIterations = v });
        _settings.Add(Define.Integer("--rounds", "N", 0, 10_000, $"schedule: rounds of enhancement + prompt fine-tuning (default {Defaults.Rounds})"), (o, v) => o with { Rounds = v });
        _settings.Add(Define.Number("--enhance-threshold", "X", $"schedule: extend enhancement by 60 while its loss is above X (default {Defaults.EnhanceLossThreshold})"),
            (o, v) => o with { EnhanceLossThreshold = v });
        _settings.Add(Define.Number("--prompt-threshold", "X", $"schedule: extend prompt stages by 100 while their loss is above X (default {Defaults.PromptLossThreshold})"),
            (o, v) => o with { PromptLossThreshold = v });

        // Optimization.
        _settings.Add(Define.Integer("--prompt-length", "N", 1, 70, $"learnable prompt tokens (default {Defaults.PromptLength})"), (o, v) => o with { PromptLength = v });
        _settings.Add(Define.Number("--lr", "X", "network learning rate (default 2e-5)"), (o, v) => o with { NetworkLearningRate = v });
        _settings.Add(Define.Number("--prompt-lr", "X", "prompt learning rate (default 5e-6)"), (o, v) => o with { PromptLearningRate = v });
        _settings.Add(Define.Number("--weight-decay", "X", "Adam weight decay (default 1e-3)"), (o, v) => o with { WeightDecay = v });
        _settings.Add(Define.Integer("--batch", "N", 1, 4096, $"enhancement batch (default {Defaults.BatchSize})"), (o, v) => o with { BatchSize = v });
        _settings.Add(Define.Integer("--prompt-batch", "N", 1, 4096, $"prompt batch (default {Defaults.PromptBatchSize})"), (o, v) => o with { PromptBatchSize = v });
        _settings.Add(Define.Integer("--image-size", "N", 32, 4096, $"training image size (default {Defaults.ImageSize})"), (o, v) => o with { ImageSize = v });
        _settings.Add(Count("--seed", $"seed for initialization, shuffling and augmentation (default {Defaults.Seed})"), (o, v) => o with { Seed = (ulong)v });
        _settings.Add(Define.Text("--device", "NAME", $"cpu, cuda, cuda:N or auto (default {Defaults.Device})"), (o, v) => o with { Device = v }, onResume: true);

        // Output.
        _settings.Add(Define.Integer("--snapshot-interval", "N", 1, int.MaxValue, $"checkpoints, samples and resume state every N iterations (default {Defaults.SnapshotInterval})"),
            (o, v) => o with { SnapshotInterval = v });
        _settings.Add(Define.Integer("--display-interval", "N", 1, int.MaxValue, $"progress, TensorBoard scalars and best-model checks every N (default {Defaults.DisplayInterval})"),
            (o, v) => o with { DisplayInterval = v });
        _settings.Add(Define.Integer("--samples", "N", 0, 64, $"backlit photos shown in the samples (default {Defaults.SampleCount})"), (o, v) => o with { SampleCount = v });
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
            var start = RunStart<TrainingOptions>.Read("train", args, _out, _resume, _settings, folder => FromArguments(args, folder));
            var (run, options) = (start.Run, start.Options);
            if (start.Resuming)
            {
                if (start.ResumeFrom is null) return context.Fail($"{run.States}: no snapshot to resume from");
            }
            else
            {
                if (run.LatestState() is not null) return context.Fail(start.HoldsARun);
                foreach (var (what, path) in new[] { ("--clip-vit", options.ClipVitPath), ("--clip-rn", options.ClipResNetPath), ("--vocab", options.VocabularyPath),
                             ("--init-model", options.InitialModel), ("--init-prompt", options.InitialPrompt) })
                {
                    if (path is null) continue; // the optional ones
                    if (!File.Exists(path)) return context.Fail($"{path}: no such file ({what})");
                    // Unopened: a pipe under that name would wait for a writer.
                    if (ContentFile.IsEmpty(path)) return context.Fail($"{path}: {ContentFile.EmptyProblem} ({what})");
                }
                run.Create();
                run.WriteOptions(options);
            }

            using var trainer = new ClipLitTrainer(options, context.Out, start.ResumeFrom);
            trainer.Run(context.Cancellation);
            return context.Cancellation.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            return context.Fail(e.Message);
        }
    }

    private TrainingOptions FromArguments(ParseResult args, string runFolder)
    {
        string Required(Option<string?> option) => args.GetValue(option) ?? throw new UsageException($"train: {option.Name} is required");
        string clipVit = Required(_clipVit);
        return _settings.Apply(args, new TrainingOptions
        {
            BacklitFolder = Required(_backlit),
            WellLitFolder = Required(_wellLit),
            ClipVitPath = clipVit,
            ClipResNetPath = Required(_clipResNet),
            VocabularyPath = args.GetValue(_vocabulary) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(clipVit))!, "bpe_simple_vocab_16e6.txt.gz"),
            RunFolder = runFolder,
        });
    }
}
