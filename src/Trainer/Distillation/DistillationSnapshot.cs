using System.Text.Json;
using System.Text.Json.Serialization;
using ClipLit.Trainer.Training;
using TorchSharp.PyBridge;

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
            var weights = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu());
            try
            {
                using var stream = File.Create(Path.Combine(folder, WeightsFile));
                PyTorchPickler.PickleStateDict(stream, weights);
            }
            finally
            {
                foreach (var tensor in weights.Values) tensor.Dispose();
            }
            optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
            File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(state, JsonOptions));
        });

    /// <summary>Restores a snapshot's weights and moments into <paramref name="network"/> and <paramref name="optimizer"/>; returns where the run stood.</summary>
    /// <exception cref="InvalidDataException">state.json holds no state (null).</exception>
    public static DistillationState Load(string folder, StudentNetwork network, Adam optimizer)
    {
        string statePath = Path.Combine(folder, StateFile);
        var state = JsonSerializer.Deserialize<DistillationState>(File.ReadAllText(statePath), JsonOptions)
            ?? throw new InvalidDataException($"{statePath}: empty state");
        LoadWeights(network, Path.Combine(folder, WeightsFile));
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
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
}
