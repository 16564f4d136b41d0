using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClipLit.Core.Files;
using ClipLit.Core.Imaging;
using ClipLit.Inference.Student;
using ClipLit.Trainer.Training;
using ClipLit.VideoIO.Images;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipLit.Trainer.Distillation;

/// <summary>Where a distillation run stands; saved in each snapshot.</summary>
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

/// <summary>Validation figures over the held-out views at full resolution.</summary>
public sealed record ValidationScore(double PsnrMean, double PsnrWorst, double SsimMean, int Views);

/// <summary>
/// Trains a <see cref="StudentNetwork"/> on the teacher's labels: Adam on L1 between log L of the
/// student and of the teacher, one view at a time (views differ in size) with gradients accumulated
/// over a batch, horizontal flips drawn per iteration and view (<see cref="KeyedRandom"/>: a resumed
/// run makes the draws the uninterrupted run makes). Every <see cref="DistillationOptions.ValidateEvery"/>
/// iterations the held-out views are scored at full resolution (bilinear upsampling of the student's
/// light map, clamp(I / L), PSNR and SSIM against the teacher's result), a snapshot is written, and a
/// new best PSNR writes student.onnx atomically at the top of the run folder (where
/// <c>cliplit live --watch</c> looks); history.csv and TensorBoard follow the figures.
/// Ownership: owns the network, optimizer, views and event writer.
/// </summary>
public sealed class StudentDistiller : IDisposable
{
    public const string StudentFile = "student.onnx";
    private const double MaxScoredSeconds = 1e9;

    private readonly DistillationOptions _options;
    private readonly RunFolder _run;
    private readonly TextWriter _output;
    private readonly Teacher _teacher;
    private readonly List<LabelledView> _training;
    private readonly List<LabelledView> _validation;
    private readonly string _dataDescription;
    private readonly StudentNetwork _network;
    private readonly Adam _optimizer;
    private readonly dynamic _log;
    private readonly DistillationState _state;

    /// <summary>A distiller over <paramref name="views"/> (it takes ownership of them), from scratch or from the snapshot folder <paramref name="resumeFrom"/>; progress goes to <paramref name="output"/>.</summary>
    public StudentDistiller(DistillationOptions options, Teacher teacher, List<LabelledView> views, string dataDescription, TextWriter output, string? resumeFrom)
    {
        _options = options;
        _run = new RunFolder(options.RunFolder);
        _output = output;
        _teacher = teacher;
        _training = views.Where(v => !v.IsValidation).ToList();
        _validation = views.Where(v => v.IsValidation).ToList();
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
        _state = resumeFrom is null ? new DistillationState() : LoadSnapshot(resumeFrom);
        if (resumeFrom is not null)
            output.WriteLine($"resumed from {resumeFrom}: iteration {_state.Iteration}, {_state.ElapsedSeconds:F0} s trained");
        _log = torch.utils.tensorboard.SummaryWriter(_run.TensorBoard, createRunName: false);
    }

    public DistillationState State => _state;

    public StudentNetwork Network => _network;

    /// <summary>Trains until the budget is spent or <paramref name="cancel"/> fires (then after the current iteration, with a snapshot).</summary>
    public void Run(CancellationToken cancel)
    {
        var a = _options.Architecture;
        _output.WriteLine($"distilling {_teacher.Name} into a student ({a.Describe()}, {a.ParameterShapes().Values.Sum(s => s.Aggregate(1L, (x, y) => x * y))} parameters): "
            + $"{_training.Count} training views, {_validation.Count} held-out views; {Budget()}");
        var clock = Stopwatch.StartNew();
        double startElapsed = _state.ElapsedSeconds;
        var reportClock = Stopwatch.StartNew();
        int reportFrom = _state.Iteration;
        double lossSum = 0;
        int lossCount = 0;
        while (!BudgetSpent())
        {
            if (cancel.IsCancellationRequested)
            {
                SaveSnapshot();
                _output.WriteLine($"stopped at iteration {_state.Iteration}; --resume continues from {_run.StateFolder(_state.Iteration)}");
                return;
            }
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = LearningRate();
            double loss = Step(_state.Iteration);
            _state.Iteration++;
            _state.ElapsedSeconds = startElapsed + clock.Elapsed.TotalSeconds;
            lossSum += loss;
            lossCount++;
            if (reportClock.Elapsed.TotalSeconds >= 10 || _state.Iteration % _options.ValidateEvery == 0)
            {
                double rate = (_state.Iteration - reportFrom) / Math.Max(reportClock.Elapsed.TotalSeconds, 1e-9);
                _output.WriteLine($"iteration {_state.Iteration}  loss {Format(lossSum / lossCount)}  {rate.ToString("F2", CultureInfo.InvariantCulture)} it/s  {Remaining(rate)}");
                _log.add_scalar("train/loss", (float)(lossSum / lossCount), _state.Iteration);
                reportClock.Restart();
                reportFrom = _state.Iteration;
                if (_state.Iteration % _options.ValidateEvery == 0)
                {
                    Validate(lossSum / lossCount);
                    SaveSnapshot();
                }
                lossSum = 0;
                lossCount = 0;
            }
        }
        bool validatedNow = _state.History.Count > 0 && _state.History[^1].Iteration == _state.Iteration;
        if (!validatedNow) Validate(lossCount > 0 ? lossSum / lossCount : double.NaN);
        if (!File.Exists(Path.Combine(_run.Root, StudentFile))) WriteStudent(_state.BestValidation);
        SaveSnapshot();
        _output.WriteLine($"finished after {_state.Iteration} iterations ({_state.ElapsedSeconds:F0} s); student {Path.Combine(_run.Root, StudentFile)}: {_state.BestValidation}");
    }

    /// <summary>One optimizer step over a batch of views; returns the batch's mean loss.</summary>
    private double Step(int iteration)
    {
        _optimizer.zero_grad();
        int[] picks = Draw(_training.Count, _options.Batch, iteration);
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

    private int[] Draw(int population, int count, int iteration) => KeyedRandom.EpochDraw(_options.Seed, population, count, iteration);

    /// <summary>Scores the held-out views, logs the figures, writes samples and, on a new best, student.onnx.</summary>
    private void Validate(double trainLoss)
    {
        if (_validation.Count == 0)
        {
            _state.History.Add(new HistoryRow(_state.Iteration, _state.ElapsedSeconds, trainLoss, double.NaN, double.NaN, double.NaN));
            WriteHistory();
            WriteStudent("not validated (no held-out images)");
            return;
        }
        var score = Score(writeSamples: true);
        _state.History.Add(new HistoryRow(_state.Iteration, _state.ElapsedSeconds, trainLoss, score.PsnrMean, score.PsnrWorst, score.SsimMean));
        WriteHistory();
        _log.add_scalar("val/psnr_mean", (float)score.PsnrMean, _state.Iteration);
        _log.add_scalar("val/psnr_worst", (float)score.PsnrWorst, _state.Iteration);
        _log.add_scalar("val/ssim_mean", (float)score.SsimMean, _state.Iteration);
        string text = Describe(score, _state.Iteration);
        bool best = score.PsnrMean > _state.BestPsnr;
        _output.WriteLine($"validation at iteration {_state.Iteration}: {text}{(best ? "  (best: " + StudentFile + " written)" : "")}");
        if (!best) return;
        _state.BestPsnr = score.PsnrMean;
        _state.BestValidation = text;
        WriteStudent(text);
    }

    public static string Describe(ValidationScore score, int iteration) =>
        string.Create(CultureInfo.InvariantCulture,
            $"psnr {score.PsnrMean:F2} dB mean, {score.PsnrWorst:F2} worst; ssim {score.SsimMean:F4} ({score.Views} held-out views, iteration {iteration})");

    /// <summary>PSNR and SSIM of clamp(I / upsampled student L) against the teacher's result, at each held-out view's full resolution.</summary>
    public ValidationScore Score(bool writeSamples = false)
    {
        var psnr = new List<double>();
        var ssim = new List<double>();
        string folder = _run.SampleFolder(_state.Iteration);
        for (int i = 0; i < _validation.Count; i++)
        {
            var view = _validation[i];
            byte[] student = Enhance(view);
            psnr.Add(Math.Min(FrameMetrics.Psnr(student, view.TeacherRgba!), 99));
            ssim.Add(FrameMetrics.Ssim(student, view.TeacherRgba!, view.Width, view.Height));
            if (writeSamples && i < 2) WriteSample(folder, view, student);
        }
        return new ValidationScore(psnr.Average(), psnr.Min(), ssim.Average(), psnr.Count);
    }

    /// <summary>The view enhanced with the student: its light map upsampled bilinearly to the view's size, clamp(I / L, 0, 1), rounded as the runtime rounds.</summary>
    private byte[] Enhance(LabelledView view)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var light = _network.LightMap(view.Input);
        var upsampled = functional.interpolate(light, [view.Height, view.Width], mode: InterpolationMode.Bilinear, align_corners: false);
        var rgba = tensor(view.ViewRgba!, [view.Height, view.Width, 4]);
        var image = rgba[.., .., ..3].permute(2, 0, 1).unsqueeze(0).to(float32) / 255f;
        var enhanced = (image / upsampled).nan_to_num(0).clamp(0, 1);
        var bytes = (enhanced.squeeze(0).permute(1, 2, 0) * 255f + 0.5f).floor().clamp(0, 255).to(ScalarType.Byte);
        return cat([bytes, rgba[.., .., 3..]], 2).contiguous().data<byte>().ToArray();
    }

    /// <summary>Teacher | student side by side, half size, as PNG and a TensorBoard image.</summary>
    private void WriteSample(string folder, LabelledView view, byte[] student)
    {
        Directory.CreateDirectory(folder);
        using var scope = NewDisposeScope();
        Tensor Half(byte[] rgba) => functional.interpolate(tensor(rgba, [view.Height, view.Width, 4]).permute(2, 0, 1).unsqueeze(0).to(float32),
            [Math.Max(1, view.Height / 2), Math.Max(1, view.Width / 2)], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        var pair = cat([Half(view.TeacherRgba!), Half(student)], 3).squeeze(0).permute(1, 2, 0).round().clamp(0, 255).to(ScalarType.Byte).contiguous();
        string png = Path.Combine(folder, view.Name + ".png");
        using (var image = StillImage.FromRgba(png, pair.data<byte>().ToArray(), (int)pair.shape[1], (int)pair.shape[0]))
            StillImageWriter.Write(image, png, StillImageWriteOptions.Default);
        _log.add_img("samples/" + view.Name + " (teacher | student)", png, _state.Iteration, null);
    }

    private void WriteStudent(string validation)
    {
        var metadata = new StudentMetadata(StudentFile, _teacher.Name, _teacher.Sha256, _options.Scale, _options.Architecture.Describe(), validation,
            string.Create(CultureInfo.InvariantCulture,
                $"seed {_options.Seed}; {_dataDescription}; {_state.Iteration} iterations of {_options.Batch} views, Adam lr {_options.LearningRate:G3} cosine to 1/100, {_state.ElapsedSeconds / 60:F1} min"));
        StudentExport.Save(_network, metadata, Path.Combine(_run.Root, StudentFile));
    }

    private void WriteHistory()
    {
        var text = new StringBuilder("iteration,wall_seconds,train_loss,val_psnr_mean,val_psnr_worst,val_ssim_mean\n");
        foreach (var row in _state.History)
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{row.Iteration},{row.WallSeconds:F1},{row.TrainLoss:G6},{row.PsnrMean:F3},{row.PsnrWorst:F3},{row.SsimMean:F5}\n"));
        AtomicFile.Write(Path.Combine(_run.Root, "history.csv"), stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Cosine decay from --lr to a hundredth of it over the budget: a constant rate left validation
    /// PSNR swinging by 3-5 dB between checks; decaying it lets the last iterations settle. The
    /// position in the budget is the larger of the iteration and the time fractions (with --minutes
    /// alone, a resumed run's rate follows the time it trained, so it is exact only with --iterations).
    /// </summary>
    private double LearningRate()
    {
        double progress = 0;
        int? iterations = _options.Iterations ?? (_options.Minutes is null ? DistillationOptions.DefaultIterations : null);
        if (iterations is { } n) progress = Math.Max(progress, (double)_state.Iteration / n);
        if (_options.Minutes is { } minutes) progress = Math.Max(progress, _state.ElapsedSeconds / (minutes * 60));
        progress = Math.Clamp(progress, 0, 1);
        double final = _options.LearningRate / 100;
        return final + 0.5 * (_options.LearningRate - final) * (1 + Math.Cos(Math.PI * progress));
    }

    private bool BudgetSpent()
    {
        if (_options.Iterations is { } iterations && _state.Iteration >= iterations) return true;
        if (_options.Minutes is { } minutes && _state.ElapsedSeconds >= minutes * 60) return true;
        return _options.Minutes is null && _options.Iterations is null && _state.Iteration >= DistillationOptions.DefaultIterations;
    }

    private string Budget()
    {
        var parts = new List<string>();
        if (_options.Minutes is { } minutes) parts.Add($"{minutes.ToString("G4", CultureInfo.InvariantCulture)} min");
        if (_options.Iterations is { } iterations) parts.Add($"{iterations} iterations");
        if (parts.Count == 0) parts.Add($"{DistillationOptions.DefaultIterations} iterations");
        return "budget " + string.Join(" or ", parts);
    }

    private string Remaining(double rate)
    {
        double seconds = MaxScoredSeconds;
        if (_options.Iterations is { } iterations && rate > 0) seconds = Math.Min(seconds, (iterations - _state.Iteration) / rate);
        if (_options.Minutes is { } minutes) seconds = Math.Min(seconds, minutes * 60 - _state.ElapsedSeconds);
        if (_options.Minutes is null && _options.Iterations is null && rate > 0) seconds = (DistillationOptions.DefaultIterations - _state.Iteration) / rate;
        if (seconds >= MaxScoredSeconds) return "";
        var span = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return $"ETA {(int)span.TotalMinutes}m{span.Seconds:D2}s";
    }

    private static string Format(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    private const string WeightsFile = "student.pth";
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "state.json";
    private const int Kept = 2;

    /// <summary>state/step-N: weights, Adam's moments and the run's position, written under a hidden name and renamed when complete.</summary>
    private void SaveSnapshot()
    {
        string final = _run.StateFolder(_state.Iteration);
        if (Directory.Exists(final)) return;
        string partial = Path.Combine(_run.States, $".{Path.GetFileName(final)}.{Environment.ProcessId}.partial");
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        var state = _network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu());
        try
        {
            using var stream = File.Create(Path.Combine(partial, WeightsFile));
            PyTorchPickler.PickleStateDict(stream, state);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
        _optimizer.save_state_dict(Path.Combine(partial, OptimizerFile));
        File.WriteAllText(Path.Combine(partial, StateFile), JsonSerializer.Serialize(_state, JsonOptions));
        Directory.Move(partial, final);
        foreach (string old in _run.StateFolders().Skip(Kept)) Directory.Delete(old, recursive: true);
    }

    private DistillationState LoadSnapshot(string folder)
    {
        string statePath = Path.Combine(folder, StateFile);
        var state = JsonSerializer.Deserialize<DistillationState>(File.ReadAllText(statePath), JsonOptions)
            ?? throw new InvalidDataException($"{statePath}: empty state");
        LoadWeights(_network, Path.Combine(folder, WeightsFile));
        _optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        return state;
    }

    /// <summary>Loads a snapshot's student weights (strict).</summary>
    public static void LoadWeights(StudentNetwork network, string path)
    {
        using var scope = NewDisposeScope();
        using var stream = File.OpenRead(path);
        var table = PyTorchUnpickler.UnpickleStateDict(stream);
        var state = table.Keys.Cast<string>().ToDictionary(k => k, k => (Tensor)table[k]!, StringComparer.Ordinal);
        using (no_grad())
            network.load_state_dict(state, strict: true);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public void Dispose()
    {
        if (_log is IDisposable disposable) disposable.Dispose();
        _optimizer.Dispose();
        _network.Dispose();
        foreach (var view in _training.Concat(_validation)) view.Dispose();
    }
}
