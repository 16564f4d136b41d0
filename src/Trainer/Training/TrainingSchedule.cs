using System.Text.Json.Serialization;

namespace ClipLit.Trainer.Training;

/// <summary>The stages of the paper's schedule, in the order they run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingStage>))]
public enum TrainingStage
{
    PromptInitialization,
    Reconstruction,
    Enhancement,
    PromptFineTuning,
    Finished,
}

/// <summary>
/// Where a run is in the paper's schedule: prompt initialization, then the reconstruction (identity)
/// stage, then rounds of enhancement followed by prompt fine-tuning. A stage that ends with its
/// loss above the threshold is extended (enhancement by 60 iterations over 90, prompt stages by 100
/// over 60, as train.py does). Plain data, saved as JSON in every snapshot so a resumed run goes on
/// from exactly here.
/// </summary>
public sealed class TrainingSchedule
{
    public TrainingStage Stage { get; set; }
    /// <summary>The round of enhancement and prompt fine-tuning (0-based).</summary>
    public int Round { get; set; }
    /// <summary>Iterations done in the current stage.</summary>
    public int StageIteration { get; set; }
    /// <summary>The current stage's length, extensions included.</summary>
    public int StageLength { get; set; }
    public int Extensions { get; set; }
    /// <summary>Iterations done over the whole run (the x axis of TensorBoard).</summary>
    public int TotalIteration { get; set; }
    /// <summary>The best enhancement score of this stage so far (mean of -loss over the last 30 iterations).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double BestScore { get; set; } = double.NegativeInfinity;
    /// <summary>Losses of the stage's last 30 iterations, oldest first.</summary>
    public List<double> RecentLosses { get; set; } = [];

    public const int ScoreWindow = 30;

    /// <summary>The schedule's start for <paramref name="options"/>: the first stage with iterations to run.</summary>
    public static TrainingSchedule Start(TrainingOptions options)
    {
        var schedule = new TrainingSchedule { Stage = TrainingStage.PromptInitialization, StageLength = options.EffectivePromptInitIterations };
        schedule.SkipEmptyStages(options);
        return schedule;
    }

    /// <summary>Records one finished iteration's loss.</summary>
    public void Record(double loss)
    {
        StageIteration++;
        TotalIteration++;
        RecentLosses.Add(loss);
        if (RecentLosses.Count > ScoreWindow) RecentLosses.RemoveAt(0);
    }

    /// <summary>Mean of -loss over the recent window (the paper's "score" for picking the best model).</summary>
    [JsonIgnore]
    public double RecentScore => RecentLosses.Count == 0 ? double.NegativeInfinity : -RecentLosses.Average();

    [JsonIgnore]
    public bool StageDone => StageIteration >= StageLength;

    /// <summary>
    /// At the end of a stage: extends it when <paramref name="lastLoss"/> is above its threshold (and
    /// extensions are left), else moves on. Returns true when the stage was extended.
    /// </summary>
    public bool FinishStage(TrainingOptions options, double lastLoss)
    {
        var (threshold, extension) = Stage switch
        {
            TrainingStage.Enhancement => (options.EnhanceLossThreshold, options.EnhanceExtension),
            TrainingStage.PromptInitialization or TrainingStage.PromptFineTuning => (options.PromptLossThreshold, options.PromptExtension),
            _ => (double.PositiveInfinity, 0),
        };
        if (lastLoss > threshold && extension > 0 && Extensions < options.MaxExtensions)
        {
            StageLength += extension;
            Extensions++;
            return true;
        }
        Advance(options);
        return false;
    }

    private void Advance(TrainingOptions options)
    {
        switch (Stage)
        {
            case TrainingStage.PromptInitialization:
                Enter(TrainingStage.Reconstruction, options.EffectiveReconstructionIterations);
                break;
            case TrainingStage.Reconstruction:
                Enter(TrainingStage.Enhancement, options.EnhanceIterations);
                break;
            case TrainingStage.Enhancement:
                Enter(TrainingStage.PromptFineTuning, options.PromptIterations);
                break;
            case TrainingStage.PromptFineTuning:
                Round++;
                Enter(TrainingStage.Enhancement, options.EnhanceIterations);
                break;
        }
        SkipEmptyStages(options);
    }

    private void Enter(TrainingStage stage, int length)
    {
        Stage = stage;
        StageLength = length;
        StageIteration = 0;
        Extensions = 0;
        BestScore = double.NegativeInfinity;
        RecentLosses.Clear();
    }

    private void SkipEmptyStages(TrainingOptions options)
    {
        if (Stage is TrainingStage.Enhancement or TrainingStage.PromptFineTuning && Round >= options.Rounds) Enter(TrainingStage.Finished, 0);
        if (Stage != TrainingStage.Finished && StageLength == 0)
        {
            if (Stage == TrainingStage.PromptFineTuning && options.EnhanceIterations == 0 && options.PromptIterations == 0) Enter(TrainingStage.Finished, 0);
            else Advance(options);
        }
    }

    /// <summary>A short name for progress lines and TensorBoard tags.</summary>
    [JsonIgnore]
    public string StageName => Stage switch
    {
        TrainingStage.PromptInitialization => "prompt-init",
        TrainingStage.Reconstruction => "reconstruction",
        TrainingStage.Enhancement => $"enhance r{Round}",
        TrainingStage.PromptFineTuning => $"prompt r{Round}",
        _ => "finished",
    };
}
