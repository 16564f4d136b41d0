using ClipLit.Trainer.Clip;
using ClipLit.Trainer.Model;
using ClipLit.VideoIO.Images;
using TorchSharp;

namespace ClipLit.Trainer.Training;

/// <summary>
/// Runs the paper's training schedule (<see cref="TrainingSchedule"/>) with <see cref="ClipLitSteps"/>:
/// draws batches (seeded, keyed by iteration), writes checkpoints, prompt pairs, samples, TensorBoard
/// events and resume snapshots into the <see cref="RunFolder"/>, and reports progress.
/// CLIP features of images that do not change (the un-augmented backlit and well-lit photos, and
/// each round's best results) are computed once and reused by the prompt stages.
/// Ownership: owns the models, the images and the event writer; Dispose releases them.
/// </summary>
public sealed class ClipLitTrainer : IDisposable
{
    private readonly TrainingOptions _options;
    private readonly RunFolder _run;
    private readonly TrainingProgress _progress;
    private readonly Device _device;
    private readonly ClipModel _guide;
    private readonly ClipModel _features;
    private readonly EnhancementNetwork _network;
    private readonly PromptPair _prompts;
    private readonly ClipLitSteps _steps;
    private readonly TrainingImages _backlit;
    private readonly TrainingImages _wellLit;
    private readonly Tensor _backlitFeatures;
    private readonly Tensor _wellLitFeatures;
    private readonly List<Tensor> _resultFeatures = [];
    private readonly TrainingLog _log;
    private readonly TrainingSchedule _schedule;

    /// <param name="options">The run's configuration.</param>
    /// <param name="output">Progress lines.</param>
    /// <param name="resumeFrom">A snapshot folder to continue from, or null to start.</param>
    public ClipLitTrainer(TrainingOptions options, TextWriter output, string? resumeFrom)
    {
        _options = options;
        _run = new RunFolder(options.RunFolder);
        _progress = new TrainingProgress(output);
        _device = TrainingDevice.Resolve(options.Device);
        _run.Create();
        manual_seed((long)(options.Seed & long.MaxValue));

        var tokenizer = ClipTokenizer.Load(options.VocabularyPath);
        _guide = ClipWeightsFile.Load(options.ClipVitPath);
        _features = ClipWeightsFile.Load(options.ClipResNetPath);
        if (_features.Architecture.IsVisionTransformer)
            throw new InvalidDataException($"{options.ClipResNetPath}: a ViT CLIP; --clip-rn needs a ModifiedResNet CLIP (e.g. RN101) for the reconstruction loss's stage features");
        _guide.to(_device);
        _features.to(_device);

        _network = new EnhancementNetwork(zeroPaddedOuterConvolutions: true); // as train.py trains it
        if (options.InitialModel is { } model) EnhancementCheckpointFile.Load(_network, model);
        _network.to(_device);
        if (options.InitialPrompt is { } promptPath)
        {
            using var embeddings = PromptPairFile.LoadEmbeddings(promptPath);
            _prompts = new PromptPair(_guide, tokenizer, options.PromptLength, embeddings);
        }
        else _prompts = new PromptPair(_guide, tokenizer, options.PromptLength);
        _prompts.to(_device);
        _steps = new ClipLitSteps(_network, _prompts, _guide, _features,
            new TrainingRates(options.NetworkLearningRate, options.PromptLearningRate, options.WeightDecay));

        _backlit = TrainingImages.Load(options.BacklitFolder, options.ImageSize, _device, output);
        _wellLit = TrainingImages.Load(options.WellLitFolder, options.ImageSize, _device, output);
        if (options.InitialModel is null && resumeFrom is null)
        {
            using var probe = _backlit.Pixels.narrow(0, 0, Math.Min(_backlit.Count, options.BatchSize));
            int draws = _network.InitializeLikeThePaper(probe);
            if (draws > 1) output.WriteLine($"network initialized in {draws} draws (the earlier ones started dead: light map 0 everywhere)");
        }
        _backlitFeatures = FeaturesOf(_backlit.Pixels);
        _wellLitFeatures = FeaturesOf(_wellLit.Pixels);
        output.WriteLine($"training on {_device.type}: {_backlit.Count} backlit and {_wellLit.Count} well-lit photos at {options.ImageSize}x{options.ImageSize}; run folder {_run.Root}");

        if (resumeFrom is not null)
        {
            (_schedule, var results) = TrainingSnapshot.Load(resumeFrom, _network, _prompts, _steps, _device);
            _resultFeatures.AddRange(results);
            output.WriteLine($"resumed from {resumeFrom}: {_schedule.StageName}, iteration {_schedule.StageIteration}/{_schedule.StageLength}, run iteration {_schedule.TotalIteration}");
        }
        else _schedule = TrainingSchedule.Start(options);
        _log = new TrainingLog(_run.TensorBoard);
    }

    /// <summary>Where the run stands (for callers that report or test it).</summary>
    public TrainingSchedule Schedule => _schedule;

    /// <summary>Trains until the schedule is finished or <paramref name="cancel"/> fires (then after the current iteration, with a snapshot).</summary>
    public void Run(CancellationToken cancel)
    {
        if (_schedule.Stage != TrainingStage.Finished) _progress.StageStarted(_schedule);
        if (_schedule.Stage == TrainingStage.PromptFineTuning) DescribeRanking();
        while (_schedule.Stage != TrainingStage.Finished)
        {
            if (cancel.IsCancellationRequested)
            {
                Snapshot();
                _progress.Note($"stopped at run iteration {_schedule.TotalIteration}; --resume continues from {_run.StateFolder(_schedule.TotalIteration)}");
                return;
            }
            var losses = Iterate();
            _schedule.Record(losses[0].Value);
            _progress.Iteration();
            int iteration = _schedule.TotalIteration;
            bool networkStage = _schedule.Stage is TrainingStage.Reconstruction or TrainingStage.Enhancement;
            if (iteration % _options.DisplayInterval == 0)
            {
                _progress.Report(_schedule, losses);
                _log.Losses(_schedule, losses, _steps);
                if (networkStage) KeepIfBest();
            }
            if (iteration % _options.SnapshotInterval == 0) WriteSnapshot(networkStage);
            if (_schedule.StageDone) EndStage(losses[0].Value);
        }
        Snapshot();
        _progress.Note($"finished after {_schedule.TotalIteration} iterations; final model {_run.Checkpoint("final", ".pth")}");
        EnhancementCheckpointFile.Save(_network, _run.Checkpoint("final", ".pth"));
        EnhancementOnnxFile.Save(_network, _run.Checkpoint("final", ".onnx"));
        PromptPairFile.Save(_prompts, _run.PromptFile("final"));
    }

    /// <summary>One iteration of the current stage; the first loss is the one the stage optimizes.</summary>
    private List<(string Name, double Value)> Iterate()
    {
        using var scope = NewDisposeScope();
        int iteration = _schedule.TotalIteration;
        switch (_schedule.Stage)
        {
            case TrainingStage.PromptInitialization:
                {
                    // Backlit photos are label 0, well-lit label 1, drawn together.
                    var picks = Draw(_backlit.Count + _wellLit.Count, _options.PromptBatchSize, iteration);
                    var features = cat(picks.Select(i => i < _backlit.Count ? _backlitFeatures[i].unsqueeze(0) : _wellLitFeatures[i - _backlit.Count].unsqueeze(0)).ToList(), 0);
                    var labels = tensor(picks.Select(i => i < _backlit.Count ? 0L : 1L).ToArray(), device: _device);
                    return [("cross-entropy", _steps.PromptInitializationStep(features, labels))];
                }
            case TrainingStage.Reconstruction:
            case TrainingStage.Enhancement:
                {
                    var picks = Draw(_backlit.Count, _options.BatchSize, iteration);
                    var random = new KeyedRandom(_options.Seed, 2, iteration);
                    var batch = _backlit.Batch(picks, augment: true, ref random);
                    var losses = _steps.EnhancementStep(batch, _schedule.Stage == TrainingStage.Reconstruction);
                    return _schedule.Stage == TrainingStage.Reconstruction
                        ? [("reconstruction", losses.Total)]
                        : [("loss", losses.Total), ("clip", losses.ClipGuided), ("reconstruction", losses.Reconstruction)];
                }
            default:
                {
                    // Ranked groups: backlit, earlier results, later results, well-lit (at most two result groups).
                    var picks = Draw(_backlit.Count, _options.PromptBatchSize, iteration);
                    var references = Draw(_wellLit.Count, _options.PromptBatchSize, iteration + 1_000_003);
                    using var indices = tensor(picks.Select(i => (long)i).ToArray(), device: _device);
                    using var referenceIndices = tensor(references.Select(i => (long)i).ToArray(), device: _device);
                    var groups = new List<Tensor> { _backlitFeatures.index_select(0, indices) };
                    foreach (var results in _resultFeatures.TakeLast(2)) groups.Add(results.index_select(0, indices));
                    groups.Add(_wellLitFeatures.index_select(0, referenceIndices));
                    var (large, small) = Margins(groups.Count);
                    return [("ranking", _steps.PromptRankingStep(groups, large, small))];
                }
        }
    }

    /// <summary>The paper's margins: (1.0, 0.2) with two groups, (0.9, 0.2) with three, (0.9, 0.1) with four.</summary>
    public static (double Large, double Small) Margins(int groups) => groups switch
    {
        2 => (1.0, 0.2),
        3 => (0.9, 0.2),
        _ => (0.9, 0.1),
    };

    private int[] Draw(int population, int count, int iteration) => KeyedRandom.EpochDraw(_options.Seed, population, count, iteration);

    private void EndStage(double lastLoss)
    {
        var ended = _schedule.Stage;
        int round = _schedule.Round;
        if (ended == TrainingStage.Enhancement && _resultFeatures.Count <= round) KeepResults(); // a round too short for a best-model check still yields results
        double threshold = ended == TrainingStage.Enhancement ? _options.EnhanceLossThreshold : _options.PromptLossThreshold;
        if (_schedule.FinishStage(_options, lastLoss))
        {
            _progress.Extended(_schedule, lastLoss, threshold);
            return;
        }
        if (ended is TrainingStage.PromptInitialization or TrainingStage.PromptFineTuning)
            PromptPairFile.Save(_prompts, _run.PromptFile(ended == TrainingStage.PromptInitialization ? "init_prompt_pair" : $"prompt_pair_round{round}"));
        Snapshot();
        if (_schedule.Stage != TrainingStage.Finished) _progress.StageStarted(_schedule);
        if (_schedule.Stage == TrainingStage.PromptFineTuning) DescribeRanking();
    }

    private void DescribeRanking()
    {
        int groups = 2 + Math.Min(2, _resultFeatures.Count);
        var (large, small) = Margins(groups);
        _progress.Note($"ranking {groups} groups (backlit, {Math.Min(2, _resultFeatures.Count)} of earlier results, well-lit), margins {large}, {small}");
    }

    /// <summary>The paper's best-model rule: a new best mean of -loss over the last 30 iterations saves best_model_roundR and, while enhancing, makes its results the round's intermediate group.</summary>
    private void KeepIfBest()
    {
        double score = _schedule.RecentScore;
        if (score <= _schedule.BestScore) return;
        _schedule.BestScore = score;
        string name = _schedule.Stage == TrainingStage.Reconstruction ? "best_model_reconstruction" : $"best_model_round{_schedule.Round}";
        // As the paper's train.py: the round's best and an iter_N copy, each as .pth and .onnx; the
        // live preview (--watch) loads every new one.
        foreach (string file in new[] { name, $"iter_{_schedule.TotalIteration}" })
        {
            EnhancementCheckpointFile.Save(_network, _run.Checkpoint(file, ".pth"));
            EnhancementOnnxFile.Save(_network, _run.Checkpoint(file, ".onnx"));
        }
        _progress.Note($"new best (score {score:G5}): {name}.pth/.onnx, iter_{_schedule.TotalIteration}.pth/.onnx");
        if (_schedule.Stage == TrainingStage.Enhancement) KeepResults();
    }

    /// <summary>CLIP features of the network's current results on the backlit photos: this round's intermediate group.</summary>
    private void KeepResults()
    {
        Tensor features;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var enhanced = EnhanceAll(_backlit.Pixels);
            features = FeaturesOf(enhanced).MoveToOuterDisposeScope();
        }
        int round = _schedule.Round;
        if (_resultFeatures.Count > round)
        {
            _resultFeatures[round].Dispose();
            _resultFeatures[round] = features;
        }
        else _resultFeatures.Add(features);
    }

    /// <summary>The snapshot interval: the resume state, and sample images while the network trains.</summary>
    private void WriteSnapshot(bool networkStage)
    {
        if (networkStage) WriteSamples(_schedule.TotalIteration);
        Snapshot();
    }

    /// <summary>The first backlit photos and their enhancement side by side, as PNGs and as a TensorBoard image.</summary>
    private void WriteSamples(int iteration)
    {
        using var scope = NewDisposeScope();
        int count = Math.Min(_options.SampleCount, _backlit.Count);
        if (count == 0) return;
        var inputs = _backlit.Pixels[..count];
        Tensor enhanced;
        using (no_grad()) enhanced = EnhanceAll(inputs);
        var pairs = cat([inputs, enhanced], 3).cpu(); // N x 3 x S x 2S
        string folder = _run.SampleFolder(iteration);
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            var rgb = (pairs[i].permute(1, 2, 0) * 255).round().clamp(0, 255).to(ScalarType.Byte);
            var rgba = cat([rgb, full([rgb.shape[0], rgb.shape[1], 1], 255, ScalarType.Byte)], 2).contiguous();
            using var image = StillImage.FromRgba(_backlit.Paths[i], rgba.data<byte>().ToArray(), (int)rgb.shape[1], (int)rgb.shape[0]);
            string png = Path.Combine(folder, Path.GetFileNameWithoutExtension(_backlit.Paths[i]) + ".png");
            StillImageWriter.Write(image, png, StillImageWriteOptions.Default);
            _log.Samples(png, iteration);
        }
    }

    private Tensor EnhanceAll(Tensor images) => InBatches(images, _options.BatchSize, _steps.Enhance);

    private Tensor FeaturesOf(Tensor images) => InBatches(images, _options.PromptBatchSize, _steps.ImageFeatures);

    /// <summary><paramref name="apply"/> over <paramref name="images"/> a batch at a time (bounded memory), results concatenated.</summary>
    private static Tensor InBatches(Tensor images, int batch, Func<Tensor, Tensor> apply)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batch)
            parts.Add(apply(images.narrow(0, start, Math.Min(batch, images.shape[0] - start))));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    private void Snapshot() => TrainingSnapshot.Save(_run, _schedule, _network, _prompts, _steps, _resultFeatures);

    public void Dispose()
    {
        _log.Dispose();
        _steps.Dispose();
        foreach (var features in _resultFeatures) features.Dispose();
        _backlitFeatures.Dispose();
        _wellLitFeatures.Dispose();
        _backlit.Dispose();
        _wellLit.Dispose();
        _prompts.Dispose();
        _network.Dispose();
        _guide.Dispose();
        _features.Dispose();
    }
}
