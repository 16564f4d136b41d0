using System.Diagnostics;
using ClipLit.Trainer.Training;
using TorchSharp;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// Trains a <see cref="StudentNetwork"/> on the teacher's labels: Adam on L1 between log L of the
/// student and of the teacher, one view at a time (views differ in size) with gradients accumulated
/// over a batch, horizontal flips drawn per iteration and view (<see cref="KeyedRandom"/>: a resumed
/// run makes the draws the uninterrupted run makes), until the <see cref="DistillationBudget"/> is
/// spent. Every <see cref="DistillationOptions.ValidateEvery"/> iterations the held-out views are
/// scored (<see cref="StudentValidation"/>), a snapshot is written (<see cref="DistillationSnapshot"/>),
/// and a new best PSNR writes student.onnx atomically at the top of the run folder (where
/// <c>cliplit live --watch</c> looks); <see cref="DistillationLog"/> reports it all.
/// Thread-safety: one thread. Ownership: owns the network, optimizer, views and log.
/// </summary>
public sealed class StudentDistiller : IDisposable
{
    public const string StudentFile = "student.onnx";

    private readonly DistillationOptions _options;
    private readonly DistillationBudget _budget;
    private readonly RunFolder _run;
    private readonly Teacher _teacher;
    private readonly List<LabelledView> _training;
    private readonly string _dataDescription;
    private readonly StudentNetwork _network;
    private readonly Adam _optimizer;
    private readonly DistillationState _state;
    private readonly DistillationLog _log;
    private readonly StudentValidation _validation;

    /// <summary>A distiller over <paramref name="views"/> (it takes ownership of them), from scratch or from the snapshot folder <paramref name="resumeFrom"/>; progress goes to <paramref name="output"/>.</summary>
    public StudentDistiller(DistillationOptions options, Teacher teacher, List<LabelledView> views, string dataDescription, TextWriter output, string? resumeFrom)
    {
        _options = options;
        _budget = options.Budget;
        _run = new RunFolder(options.RunFolder);
        _teacher = teacher;
        _training = views.Where(v => !v.IsValidation).ToList();
        var heldOut = views.Where(v => v.IsValidation).ToList();
        if (_training.Count == 0) throw new InvalidDataException("every source image is held out for validation: give more images or fewer --validation-images");
        _dataDescription = dataDescription;
        torch.set_num_threads(options.EffectiveThreads);
        manual_seed((long)(options.Seed & long.MaxValue));
        _network = new StudentNetwork(options.Architecture);
        double meanLog = _training.Average(v => v.LogTarget.mean().item<float>());
        _network.StartFrom(meanLog);
        _optimizer = optim.Adam(_network.parameters(), options.LearningRate);
        Directory.CreateDirectory(_run.States);
        Directory.CreateDirectory(_run.Samples);
        _state = resumeFrom is null ? new DistillationState() : DistillationSnapshot.Load(resumeFrom, _network, _optimizer);
        if (resumeFrom is not null)
            output.WriteLine($"resumed from {resumeFrom}: iteration {_state.Iteration}, {_state.ElapsedSeconds:F0} s trained");
        _log = new DistillationLog(_run, output);
        _validation = new StudentValidation(heldOut, _network, _run, _log);
    }

    public DistillationState State => _state;

    public StudentNetwork Network => _network;

    /// <summary>Trains until the budget is spent or <paramref name="cancel"/> fires (then after the current iteration, with a snapshot).</summary>
    public void Run(CancellationToken cancel)
    {
        _log.Started(_teacher.Name, _options.Architecture, _training.Count, _validation.Count, _budget);
        var clock = Stopwatch.StartNew();
        double startElapsed = _state.ElapsedSeconds;
        while (!_budget.IsSpent(_state.Iteration, _state.ElapsedSeconds))
        {
            if (cancel.IsCancellationRequested)
            {
                Snapshot();
                _log.Stopped(_state.Iteration, _run.StateFolder(_state.Iteration));
                return;
            }
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = LearningRate();
            double loss = Step(_state.Iteration);
            _state.Iteration++;
            _state.ElapsedSeconds = startElapsed + clock.Elapsed.TotalSeconds;
            _log.Iteration(loss);
            bool validationDue = _state.Iteration % _options.ValidateEvery == 0;
            if (!_log.ReportDue && !validationDue) continue;
            double meanLoss = _log.Report(_state.Iteration, _state.ElapsedSeconds, _budget);
            if (!validationDue) continue;
            Validate(meanLoss);
            Snapshot();
        }
        // The budget may end between validations: the last iterations are scored too.
        bool validatedNow = _state.History.Count > 0 && _state.History[^1].Iteration == _state.Iteration;
        if (!validatedNow) Validate(_log.MeanLossSinceReport);
        string student = Path.Combine(_run.Root, StudentFile);
        if (!File.Exists(student)) WriteStudent(_state.BestValidation);
        Snapshot();
        _log.Finished(_state, student);
    }

    /// <summary>One optimizer step over a batch of views; returns the batch's mean loss.</summary>
    private double Step(int iteration)
    {
        _optimizer.zero_grad();
        int[] picks = KeyedRandom.EpochDraw(_options.Seed, _training.Count, _options.Batch, iteration);
        double total = 0;
        for (int k = 0; k < picks.Length; k++)
        {
            using var scope = NewDisposeScope();
            var view = _training[picks[k]];
            var random = new KeyedRandom(_options.Seed, 31, iteration, k);
            bool flip = random.Next(2) == 1;
            var input = flip ? view.Input.flip(3) : view.Input;
            var target = flip ? view.LogTarget.flip(3) : view.LogTarget;
            var loss = (_network.forward(input) - target).abs().mean();
            (loss / picks.Length).backward();
            total += loss.item<float>();
        }
        _optimizer.step();
        return total / picks.Length;
    }

    /// <summary>Scores the held-out views and records the figures; a new best (or no held-out view to judge by) writes student.onnx.</summary>
    private void Validate(double trainLoss)
    {
        var score = _validation.Count > 0 ? _validation.Score(_state.Iteration, writeSamples: true) : null;
        _state.History.Add(new HistoryRow(_state.Iteration, _state.ElapsedSeconds, trainLoss,
            score?.PsnrMean ?? double.NaN, score?.PsnrWorst ?? double.NaN, score?.SsimMean ?? double.NaN));
        _log.History(_state.History);
        if (score is null)
        {
            WriteStudent("not validated (no held-out images)");
            return;
        }
        bool best = score.PsnrMean > _state.BestPsnr;
        _log.Validation(_state.Iteration, score, best);
        if (!best) return;
        _state.BestPsnr = score.PsnrMean;
        _state.BestValidation = score.Describe(_state.Iteration);
        WriteStudent(_state.BestValidation);
    }

    private void Snapshot() => DistillationSnapshot.Save(_run, _state, _network, _optimizer);

    private void WriteStudent(string validation) =>
        StudentExport.Save(_network, StudentExport.Distilled(StudentFile, _teacher, _options, _dataDescription, _state, validation), Path.Combine(_run.Root, StudentFile));

    /// <summary>
    /// Cosine decay from --lr to a hundredth of it over the budget: a constant rate left validation
    /// PSNR swinging by 3-5 dB between checks; decaying it lets the last iterations settle.
    /// </summary>
    private double LearningRate()
    {
        double progress = _budget.Progress(_state.Iteration, _state.ElapsedSeconds);
        double final = _options.LearningRate / 100;
        return final + 0.5 * (_options.LearningRate - final) * (1 + Math.Cos(Math.PI * progress));
    }

    public void Dispose()
    {
        _log.Dispose();
        _optimizer.Dispose();
        _network.Dispose();
        foreach (var view in _training) view.Dispose();
        _validation.Dispose();
    }
}
