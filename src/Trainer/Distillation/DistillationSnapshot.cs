using System.Text.Json;
using System.Text.Json.Serialization;
using ClipLit.Trainer.Model;
using ClipLit.Trainer.Training;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// Everything a distillation --resume needs, in one snapshot folder state/step-N written as every
/// snapshot is (<see cref="SnapshotFolder"/>): the student's weights (student.pth, PyTorch's format),
/// Adam's moments and the run's position (<see cref="DistillationState"/>). Random draws need no
/// state: each is keyed by the seed and the iteration (<see cref="KeyedRandom"/>).
/// Thread-safety: stateless.
/// </summary>
public static class DistillationSnapshot
{
    private const string WeightsFile = "student.pth";
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "state.json";

    // BestPsnr is -infinity before the first validation and history rows hold NaN: JSON numbers cannot.
    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The snapshot of the state's iteration; nothing when it is already saved (a stop or the end falling on a validation).</summary>
    public static void Save(RunFolder run, DistillationState state, StudentNetwork network, Adam optimizer) =>
        SnapshotFolder.Save(run, state.Iteration, folder =>
        {
            StateDictFile.Write(Path.Combine(folder, WeightsFile), network.state_dict());
            optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
            SnapshotFolder.WriteJson(Path.Combine(folder, StateFile), state, JsonOptions);
        });

    /// <summary>Restores a snapshot's weights and moments into <paramref name="network"/> and <paramref name="optimizer"/>; returns where the run stood.</summary>
    /// <exception cref="InvalidDataException">state.json holds no state (null).</exception>
    public static DistillationState Load(string folder, StudentNetwork network, Adam optimizer)
    {
        var state = SnapshotFolder.ReadJson<DistillationState>(Path.Combine(folder, StateFile), JsonOptions);
        LoadWeights(network, Path.Combine(folder, WeightsFile));
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        return state;
    }

    /// <summary>Loads a snapshot's student weights (strict).</summary>
    public static void LoadWeights(StudentNetwork network, string path)
    {
        using var scope = NewDisposeScope();
        var state = StateDictFile.Read(path);
        using (no_grad())
            network.load_state_dict(state, strict: true);
    }
}
