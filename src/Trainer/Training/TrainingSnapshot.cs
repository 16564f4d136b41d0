using System.Text.Json;
using ClipLit.Trainer.Clip;
using ClipLit.Trainer.Model;
using TorchSharp.PyBridge;

namespace ClipLit.Trainer.Training;

/// <summary>
/// Everything --resume needs, written together as one folder state/step-N: the network and prompt
/// weights, both Adam optimizers' moments, the schedule (stage, iteration, extensions, best score,
/// recent losses) and the CLIP features of earlier rounds' results (the intermediate ranked groups).
/// Random draws need no state: each is keyed by the seed and the iteration (<see cref="KeyedRandom"/>).
/// The folder is written as every snapshot is (<see cref="SnapshotFolder"/>): complete or not at all.
/// </summary>
public static class TrainingSnapshot
{
    private const string NetworkFile = "network.pth";
    private const string PromptsFile = "prompts.pth";
    private const string NetworkOptimizerFile = "network-optimizer.bin";
    private const string PromptOptimizerFile = "prompt-optimizer.bin";
    private const string ResultsFile = "result-features.pth";
    private const string ScheduleFile = "schedule.json";

    /// <summary>The snapshot of the schedule's run iteration; nothing when it is already saved (a stage ended on a snapshot).</summary>
    public static void Save(RunFolder run, TrainingSchedule schedule, EnhancementNetwork network, PromptPair prompts, ClipLitSteps steps, IReadOnlyList<Tensor> resultFeatures) =>
        SnapshotFolder.Save(run, schedule.TotalIteration, folder =>
        {
            EnhancementCheckpointFile.Save(network, Path.Combine(folder, NetworkFile));
            PromptPairFile.Save(prompts, Path.Combine(folder, PromptsFile));
            steps.NetworkOptimizer.save_state_dict(Path.Combine(folder, NetworkOptimizerFile));
            steps.PromptOptimizer.save_state_dict(Path.Combine(folder, PromptOptimizerFile));
            var results = new Dictionary<string, Tensor>();
            for (int i = 0; i < resultFeatures.Count; i++) results[$"round{i}"] = resultFeatures[i].cpu();
            using (var stream = File.Create(Path.Combine(folder, ResultsFile))) PyTorchPickler.PickleStateDict(stream, results);
            foreach (var (_, tensor) in results) tensor.Dispose();
            File.WriteAllText(Path.Combine(folder, ScheduleFile), JsonSerializer.Serialize(schedule));
        });

    /// <summary>Restores a snapshot into the given objects; returns the schedule and the earlier rounds' result features.</summary>
    /// <exception cref="InvalidDataException">The snapshot is unreadable; the message names the file.</exception>
    public static (TrainingSchedule Schedule, List<Tensor> ResultFeatures) Load(string folder, EnhancementNetwork network, PromptPair prompts, ClipLitSteps steps, Device device)
    {
        string schedulePath = Path.Combine(folder, ScheduleFile);
        var schedule = JsonSerializer.Deserialize<TrainingSchedule>(File.ReadAllText(schedulePath))
            ?? throw new InvalidDataException($"{schedulePath}: empty schedule");
        EnhancementCheckpointFile.Load(network, Path.Combine(folder, NetworkFile));
        using (var embeddings = PromptPairFile.LoadEmbeddings(Path.Combine(folder, PromptsFile)))
        using (no_grad())
            prompts.Embedding.copy_(embeddings);
        steps.NetworkOptimizer.load_state_dict(Path.Combine(folder, NetworkOptimizerFile));
        steps.PromptOptimizer.load_state_dict(Path.Combine(folder, PromptOptimizerFile));
        var results = new List<Tensor>();
        using (var stream = File.OpenRead(Path.Combine(folder, ResultsFile)))
        {
            var table = PyTorchUnpickler.UnpickleStateDict(stream);
            for (int i = 0; table[$"round{i}"] is Tensor features; i++) results.Add(features.to(device));
        }
        return (schedule, results);
    }
}
