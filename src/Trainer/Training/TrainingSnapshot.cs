using ClipLit.Trainer.Clip;
using ClipLit.Trainer.Model;

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
    /// <summary>The snapshot of the schedule's run iteration; nothing when it is already saved (a stage ended on a snapshot).</summary>
    public static void Save(RunFolder run, TrainingSchedule schedule, EnhancementNetwork network, PromptPair prompts, ClipLitSteps steps, IReadOnlyList<Tensor> resultFeatures) =>
        SnapshotFolder.Save(run, schedule.TotalIteration, folder =>
        {
            var files = new Files(folder);
            EnhancementCheckpointFile.Save(network, files.Network);
            PromptPairFile.Save(prompts, files.Prompts);
            steps.NetworkOptimizer.save_state_dict(files.NetworkOptimizer);
            steps.PromptOptimizer.save_state_dict(files.PromptOptimizer);
            StateDictFile.Write(files.ResultFeatures, resultFeatures.Select((features, round) => KeyValuePair.Create(RoundKey(round), features)));
            SnapshotFolder.WriteJson(files.Schedule, schedule);
        });

    /// <summary>Restores a snapshot into the given objects; returns the schedule and the earlier rounds' result features.</summary>
    /// <exception cref="InvalidDataException">The snapshot is unreadable; the message names the file.</exception>
    public static (TrainingSchedule Schedule, List<Tensor> ResultFeatures) Load(string folder, EnhancementNetwork network, PromptPair prompts, ClipLitSteps steps, Device device)
    {
        var files = new Files(folder);
        var schedule = SnapshotFolder.ReadJson<TrainingSchedule>(files.Schedule);
        EnhancementCheckpointFile.Load(network, files.Network);
        using (var embeddings = PromptPairFile.LoadEmbeddings(files.Prompts))
        using (no_grad())
            prompts.Embedding.copy_(embeddings);
        steps.NetworkOptimizer.load_state_dict(files.NetworkOptimizer);
        steps.PromptOptimizer.load_state_dict(files.PromptOptimizer);
        var stored = StateDictFile.Read(files.ResultFeatures);
        var results = new List<Tensor>();
        for (int round = 0; stored.TryGetValue(RoundKey(round), out var features); round++) results.Add(features.to(device));
        return (schedule, results);
    }

    private static string RoundKey(int round) => $"round{round}";

    /// <summary>The files of one snapshot folder: the weights as PyTorch writes them, the optimizers' moments, the schedule as JSON.</summary>
    private readonly record struct Files(string Folder)
    {
        public string Network => Path.Combine(Folder, "network.pth");
        public string Prompts => Path.Combine(Folder, "prompts.pth");
        public string NetworkOptimizer => Path.Combine(Folder, "network-optimizer.bin");
        public string PromptOptimizer => Path.Combine(Folder, "prompt-optimizer.bin");
        public string ResultFeatures => Path.Combine(Folder, "result-features.pth");
        public string Schedule => Path.Combine(Folder, "schedule.json");
    }
}
