namespace ClipLit.Trainer.Training;

/// <summary>The options a run is started with and keeps in its folder (training, distillation).</summary>
public interface IRunOptions
{
    /// <summary>The first problem with the values, or null: a usage error, found before anything runs.</summary>
    string? FindProblem();
}
