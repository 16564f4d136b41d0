namespace ClipLit.Trainer.Training;

/// <summary>
/// Everything a training run is configured by. Defaults are the paper's (train.py of CLIP-LIT and
/// its loaders): prompt length 16, Adam learning rates 2e-5 (network) and 5e-6 (prompts), weight
/// decay 1e-3, batches 8 and 16, 512-pixel training images, enhancement rounds of 2100 iterations
/// extended by 60 while the loss stays above 90, prompt fine-tuning of 1000 iterations extended by
/// 100 while the loss stays above 60, snapshots and displays every 20 iterations.
/// </summary>
public sealed record TrainingOptions : IRunOptions
{
    public required string BacklitFolder { get; init; }
    public required string WellLitFolder { get; init; }
    /// <summary>The guiding CLIP (the paper: ViT-B/32): TorchScript archive or state dict.</summary>
    public required string ClipVitPath { get; init; }
    /// <summary>The CLIP whose ResNet features the reconstruction loss compares (the paper: RN101).</summary>
    public required string ClipResNetPath { get; init; }
    /// <summary>CLIP's BPE vocabulary (bpe_simple_vocab_16e6.txt.gz).</summary>
    public required string VocabularyPath { get; init; }
    public required string RunFolder { get; init; }

    /// <summary>Start the network from this checkpoint (then the reconstruction stage is skipped unless its iterations are given).</summary>
    public string? InitialModel { get; init; }
    /// <summary>Start the prompts from this pair (then prompt initialization is skipped unless its iterations are given).</summary>
    public string? InitialPrompt { get; init; }

    public int PromptLength { get; init; } = 16;
    public double NetworkLearningRate { get; init; } = 2e-5;
    public double PromptLearningRate { get; init; } = 5e-6;
    public double WeightDecay { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 8;
    public int PromptBatchSize { get; init; } = 16;
    /// <summary>Training images are resized to this square size (the paper's loader: 512).</summary>
    public int ImageSize { get; init; } = 512;

    /// <summary>Prompt initialization iterations; null: 8000 from scratch, 0 with <see cref="InitialPrompt"/>.</summary>
    public int? PromptInitIterations { get; init; }
    /// <summary>Reconstruction (identity) iterations; null: 1000 from scratch, 0 with <see cref="InitialModel"/>.</summary>
    public int? ReconstructionIterations { get; init; }
    public int EnhanceIterations { get; init; } = 2100;
    public int PromptIterations { get; init; } = 1000;
    public int Rounds { get; init; } = 3;

    /// <summary>Enhancement is extended by <see cref="EnhanceExtension"/> iterations while its loss at the end stays above this.</summary>
    public double EnhanceLossThreshold { get; init; } = 90;
    public int EnhanceExtension { get; init; } = 60;
    /// <summary>Prompt stages are extended by <see cref="PromptExtension"/> iterations while their loss at the end stays above this.</summary>
    public double PromptLossThreshold { get; init; } = 60;
    public int PromptExtension { get; init; } = 100;
    /// <summary>No stage is extended more often than this (the paper has no limit; a run that never gets below a threshold would never end).</summary>
    public int MaxExtensions { get; init; } = 50;

    /// <summary>Checkpoints, samples and the resume state are written every this many iterations.</summary>
    public int SnapshotInterval { get; init; } = 20;
    /// <summary>Progress lines, TensorBoard scalars and best-model checks every this many iterations.</summary>
    public int DisplayInterval { get; init; } = 20;
    /// <summary>How many backlit photos the sample images show.</summary>
    public int SampleCount { get; init; } = 4;

    public ulong Seed { get; init; } = 1143;
    /// <summary>"cpu", "cuda", "cuda:N" or "auto" (CUDA when TorchSharp has it).</summary>
    public string Device { get; init; } = "auto";

    public int EffectivePromptInitIterations => PromptInitIterations ?? (InitialPrompt is null ? 8000 : 0);
    public int EffectiveReconstructionIterations => ReconstructionIterations ?? (InitialModel is null ? 1000 : 0);

    /// <summary>The first problem with the numbers, or null.</summary>
    public string? FindProblem()
    {
        if (PromptLength is < 1 or > 70) return "--prompt-length must be 1 to 70 (CLIP reads 77 tokens with start and end)";
        if (BatchSize < 1 || PromptBatchSize < 1) return "batch sizes must be at least 1";
        if (ImageSize < 32) return "--image-size must be at least 32";
        if (NetworkLearningRate <= 0 || PromptLearningRate <= 0) return "learning rates must be positive";
        if (WeightDecay < 0) return "--weight-decay must not be negative";
        if (EffectivePromptInitIterations < 0 || EffectiveReconstructionIterations < 0 || EnhanceIterations < 0 || PromptIterations < 0 || Rounds < 0)
            return "iteration counts must not be negative";
        if (SnapshotInterval < 1 || DisplayInterval < 1) return "intervals must be at least 1";
        if (InitialPrompt is null && EffectivePromptInitIterations == 0 && (Rounds > 0 && EnhanceIterations > 0))
            return "without --init-prompt the prompts must be initialized (--prompt-init-iters > 0)";
        return null;
    }
}
