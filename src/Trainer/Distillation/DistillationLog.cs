using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClipLit.Core.Files;
using ClipLit.Inference.Student;
using ClipLit.Trainer.Training;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// What a distillation run reports as it goes. On the console: the start, a progress line at most
/// every <see cref="ReportSeconds"/> and at each validation (the mean training loss since the last
/// one, iterations per second over it, the ETA), a line per validation, the stop or the end.
/// history.csv at the top of the run folder (PSNR against wall time, rewritten whole and atomically at
/// each validation), and TensorBoard events: the training loss, the validation figures, the samples.
/// Thread-safety: one thread. Ownership: owns the event writer; not the console writer.
/// </summary>
public sealed class DistillationLog : IDisposable
{
    private const string HistoryFile = "history.csv";
    private const double ReportSeconds = 10;

    private readonly RunFolder _run;
    private readonly TextWriter _output;
    private readonly dynamic _events;
    private readonly Stopwatch _sinceReport = new();
    private double _lossSinceReport;
    private int _iterationsSinceReport;

    public DistillationLog(RunFolder run, TextWriter output)
    {
        _run = run;
        _output = output;
        _events = TorchSharp.torch.utils.tensorboard.SummaryWriter(run.TensorBoard, createRunName: false);
    }

    /// <summary>The first line of training; the first report interval starts here.</summary>
    public void Started(string teacherName, StudentArchitecture architecture, int trainingViews, int heldOutViews, DistillationBudget budget)
    {
        long parameters = architecture.ParameterShapes().Values.Sum(s => s.Aggregate(1L, (x, y) => x * y));
        _output.WriteLine($"distilling {teacherName} into a student ({architecture.Describe()}, {parameters} parameters): "
            + $"{trainingViews} training views, {heldOutViews} held-out views; {budget.Describe()}");
        _sinceReport.Restart();
    }

    /// <summary>An iteration done with a batch mean loss of <paramref name="loss"/>.</summary>
    public void Iteration(double loss)
    {
        _lossSinceReport += loss;
        _iterationsSinceReport++;
    }

    public bool ReportDue => _sinceReport.Elapsed.TotalSeconds >= ReportSeconds;

    /// <summary>The mean training loss since the last report; NaN when no iteration ran since.</summary>
    public double MeanLossSinceReport => _iterationsSinceReport > 0 ? _lossSinceReport / _iterationsSinceReport : double.NaN;

    /// <summary>A progress line and the training loss, then a new report interval; returns the interval's mean loss.</summary>
    public double Report(int iteration, double elapsedSeconds, DistillationBudget budget)
    {
        double meanLoss = _lossSinceReport / _iterationsSinceReport;
        double rate = _iterationsSinceReport / Math.Max(_sinceReport.Elapsed.TotalSeconds, 1e-9);
        _output.WriteLine($"iteration {iteration}  loss {Format(meanLoss)}  {rate.ToString("F2", CultureInfo.InvariantCulture)} it/s  {budget.Eta(iteration, elapsedSeconds, rate)}");
        _events.add_scalar("train/loss", (float)meanLoss, iteration);
        _sinceReport.Restart();
        _lossSinceReport = 0;
        _iterationsSinceReport = 0;
        return meanLoss;
    }

    /// <summary>A validation's figures; <paramref name="best"/>: the best so far, so the student is written.</summary>
    public void Validation(int iteration, ValidationScore score, bool best)
    {
        _events.add_scalar("val/psnr_mean", (float)score.PsnrMean, iteration);
        _events.add_scalar("val/psnr_worst", (float)score.PsnrWorst, iteration);
        _events.add_scalar("val/ssim_mean", (float)score.SsimMean, iteration);
        _output.WriteLine($"validation at iteration {iteration}: {score.Describe(iteration)}{(best ? "  (best: " + StudentDistiller.StudentFile + " written)" : "")}");
    }

    /// <summary>A held-out view's teacher | student sample, already written as PNG.</summary>
    public void Sample(string viewName, string pngPath, int iteration) => _events.add_img("samples/" + viewName + " (teacher | student)", pngPath, iteration, null);

    /// <summary>history.csv: one row per validation so far.</summary>
    public void History(IReadOnlyList<HistoryRow> rows)
    {
        var text = new StringBuilder("iteration,wall_seconds,train_loss,val_psnr_mean,val_psnr_worst,val_ssim_mean\n");
        foreach (var row in rows)
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{row.Iteration},{row.WallSeconds:F1},{row.TrainLoss:G6},{row.PsnrMean:F3},{row.PsnrWorst:F3},{row.SsimMean:F5}\n"));
        AtomicFile.Write(Path.Combine(_run.Root, HistoryFile), stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public void Stopped(int iteration, string snapshot) => _output.WriteLine($"stopped at iteration {iteration}; --resume continues from {snapshot}");

    public void Finished(DistillationState state, string studentPath) =>
        _output.WriteLine($"finished after {state.Iteration} iterations ({state.ElapsedSeconds:F0} s); student {studentPath}: {state.BestValidation}");

    private static string Format(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (_events is IDisposable disposable) disposable.Dispose();
    }
}
