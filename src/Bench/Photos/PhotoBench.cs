using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Bench.Photos;

/// <summary>
/// <c>cliplit bench photos</c>: the paper's network in PyTorch 1.13 (as installed and with huge
/// pages) against ClipLit's ONNX Runtime path on the golden photos and a 2048x1536 photo, the
/// whole <c>cliplit enhance</c> process on that photo, the launcher's overhead and, unless quick,
/// the arithmetic ceiling, one thread and ONNX Runtime's time per operator.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class PhotoBench
{
    private const string LargePhoto = "110_51093502029_o.jpg";

    /// <param name="Root">The checkout (the launcher, the reference script).</param>
    /// <param name="Shared">The shared data folder (golden photos, the large photo).</param>
    /// <param name="Checkpoint">The model.</param>
    /// <param name="Python">Python with torch 1.13.</param>
    /// <param name="Threads">Threads for both ONNX Runtime and PyTorch.</param>
    /// <param name="Repeat">Runs per measurement.</param>
    /// <param name="Quick">No thread scaling, arithmetic ceiling or operator profile.</param>
    public sealed record Settings(string Root, string Shared, string Checkpoint, string Python, int Threads, int Repeat, bool Quick);

    /// <summary>Measures; null, with an error line, when the PyTorch reference cannot run.</summary>
    public static PhotoBenchResult? Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        var (threads, repeat) = (settings.Threads, settings.Repeat);
        var reference = new PyTorchReference(settings.Python, Path.Combine(settings.Root, "bench", "pytorch_reference.py"), settings.Checkpoint, threads);
        if (reference.Problem() is { } problem)
        {
            log.WriteLine($"error: the PyTorch reference cannot run: {problem}");
            return null;
        }
        var machine = MachineDescription.Detect(cancellation: context.Cancellation);

        var images = Directory.GetFiles(Path.Combine(settings.Shared, "golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal)
            .Concat(Directory.GetFiles(Path.Combine(settings.Shared, "golden", "enhance-full"), "*.input.png"))
            .Append(Path.Combine(settings.Shared, "data", "backlit", LargePhoto))
            .ToList();
        var network = new List<PhotoNetworkRow>();

        EnhancementWeights weights = ModelLoader.Load(settings.Checkpoint);
        using (var estimator = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = threads }))
        {
            foreach (string image in images)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                log.WriteLine($"bench: {Path.GetFileName(image)}: PyTorch as installed...");
                var pytorch = reference.Measure(image, repeat, hugePages: false, context.Cancellation);
                log.WriteLine($"bench: {Path.GetFileName(image)}: PyTorch with huge pages...");
                var pytorchHuge = reference.Measure(image, repeat, hugePages: true, context.Cancellation);
                log.WriteLine($"bench: {Path.GetFileName(image)}: ClipLit...");
                var ours = NetworkBenchmark.Measure(estimator, image, repeat);
                network.Add(new PhotoNetworkRow(pytorch, pytorchHuge, ours));
                log.WriteLine($"bench: {Path.GetFileName(image)} {ours.Width}x{ours.Height}: PyTorch {pytorch.Forward.Median:F2} s ({pytorchHuge.Forward.Median:F2} s with huge pages), ClipLit {ours.Forward.Median:F2} s");
            }
        }

        string large = images[^1];
        log.WriteLine("bench: the paper's padding everywhere (Whole plan) on the large photo...");
        NetworkResult wholePlan;
        using (var whole = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = threads, Strategy = PlanStrategy.Whole }))
            wholePlan = NetworkBenchmark.Measure(whole, large, repeat);

        ProcessResult wholeProcess, launcher, direct;
        string scratch = Directory.CreateTempSubdirectory("cliplit-bench-").FullName;
        try
        {
            string launcherPath = Path.Combine(settings.Root, "cliplit");
            log.WriteLine("bench: whole process...");
            wholeProcess = ProcessBenchmark.Measure(launcherPath,
                ["enhance", large, "-o", Path.Combine(scratch, "out.jpg"), "--overwrite", "--device", "cpu", "--model", settings.Checkpoint, "-q"], repeat, context.Cancellation);
            log.WriteLine($"bench: whole process {wholeProcess.Wall.Median:F2} s");
            launcher = ProcessBenchmark.Measure(launcherPath, ["--version"], 10, context.Cancellation);
            direct = ProcessBenchmark.Measure(CliplitExecutable.Find(), ["--version"], 10, context.Cancellation);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        double? gemmPeak = null;
        NetworkResult? singleThread = null;
        IReadOnlyList<(string Operator, double Milliseconds)>? profile = null;
        if (!settings.Quick)
        {
            log.WriteLine("bench: thread scaling, arithmetic ceiling and operator profile...");
            gemmPeak = GemmPeak.Measure(threads);
            using (var single = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = 1 }))
                singleThread = NetworkBenchmark.Measure(single, large, 1);
            string profileFolder = Directory.CreateTempSubdirectory("cliplit-profile-").FullName;
            try
            {
                using var profiled = new LightMapEstimator(weights, EnhancerOptions.Default with
                {
                    Device = ExecutionDevice.Cpu,
                    Threads = threads,
                    ProfilePrefix = Path.Combine(profileFolder, "ort-"),
                });
                NetworkBenchmark.Measure(profiled, large, 1);
                profile = OrtProfile.ByOperator(profiled.EndProfiling());
            }
            finally
            {
                Directory.Delete(profileFolder, recursive: true);
            }
        }

        return new PhotoBenchResult(machine, DateTime.UtcNow, threads, repeat, OrtEnv.Instance().GetVersionString(), Environment.Version,
            network, wholePlan, wholeProcess, launcher, direct, gemmPeak, singleThread, profile);
    }
}
