namespace ClipLit.Trainer.Distillation;

/// <summary>Where a distillation run stands; saved in each snapshot (<see cref="DistillationSnapshot"/>).</summary>
public sealed record DistillationState
{
    public int Iteration { get; set; }
    public double ElapsedSeconds { get; set; }
    /// <summary>Best validation PSNR mean so far (dB); -infinity before the first validation.</summary>
    public double BestPsnr { get; set; } = double.NegativeInfinity;
    public string BestValidation { get; set; } = "";
    public List<HistoryRow> History { get; set; } = [];
}

/// <summary>One line of history.csv: the training loss at a validation and the figures.</summary>
public sealed record HistoryRow(int Iteration, double WallSeconds, double TrainLoss, double PsnrMean, double PsnrWorst, double SsimMean);
