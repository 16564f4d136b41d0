namespace ClipLit.Trainer.Training;

/// <summary>
/// TensorBoard events of a run (torch.utils.tensorboard's format, which TensorBoard reads): each
/// stage's losses under its own tag, both learning rates, and the sample images.
/// Ownership: owns the event writer.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    private readonly dynamic _writer;

    public TrainingLog(string folder) => _writer = TorchSharp.torch.utils.tensorboard.SummaryWriter(folder, createRunName: false);

    public void Losses(TrainingSchedule schedule, IReadOnlyList<(string Name, double Value)> losses, ClipLitSteps steps)
    {
        int step = schedule.TotalIteration;
        string stage = schedule.Stage switch
        {
            TrainingStage.PromptInitialization => "prompt_initialization",
            TrainingStage.Reconstruction => "reconstruction",
            TrainingStage.Enhancement => "enhancement",
            _ => "prompt_fine_tuning",
        };
        foreach (var (name, value) in losses) _writer.add_scalar($"loss/{stage}/{name}", (float)value, step);
        _writer.add_scalar("learning_rate/network", (float)LearningRate(steps.NetworkOptimizer), step);
        _writer.add_scalar("learning_rate/prompt", (float)LearningRate(steps.PromptOptimizer), step);
    }

    /// <summary>A sample image already written as PNG (TorchSharp's tensor-to-image path needs SkiaSharp's native library, which is not installed).</summary>
    public void Samples(string pngPath, int step) => _writer.add_img("samples/" + Path.GetFileNameWithoutExtension(pngPath), pngPath, step, null);

    private static double LearningRate(Adam optimizer) => optimizer.ParamGroups.First().LearningRate;

    public void Dispose()
    {
        if (_writer is IDisposable disposable) disposable.Dispose();
    }
}
