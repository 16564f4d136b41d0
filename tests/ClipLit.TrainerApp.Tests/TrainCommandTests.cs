using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.TestSupport;
using ClipLit.Trainer.Model;
using ClipLit.Trainer.Training;

namespace ClipLit.TrainerApp.Tests;

/// <summary>
/// <c>cliplit train</c> end to end with the tiny CLIP models of ../shared/golden/clip on the real
/// backlit photos (../shared/data/backlit) and well-lit references (the golden enhanced outputs):
/// every stage runs, checkpoints load in <c>cliplit enhance</c> and in the paper's PyTorch code, and
/// a run killed with SIGKILL resumes from its last snapshot without a truncated file. Training runs
/// in process through cliplit-train's Program (what 'cliplit train' starts), enhancing through cliplit's.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class TrainCommandTests
{
    private string _root = null!;
    private string _backlit = null!;
    private string _wellLit = null!;
    private string _run = null!;
    private CommandResult _result = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _root = Directory.CreateTempSubdirectory("cliplit-train-").FullName;
        // The trainer reads whole folders: link the photos it should see (the shared folders hold other files too).
        _backlit = LinkedFolder("backlit", Directory.GetFiles(SharedData.BacklitPhotos, "*.jpg"));
        _wellLit = LinkedFolder("well-lit", Directory.GetFiles(SharedData.Path("golden", "enhance-512"), "*.enhanced.png"));
        _run = Path.Combine(_root, "run");
        _result = CliplitTrain.Run(TrainArguments(_run, enhanceIterations: 10));
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_root, recursive: true);

    [Test]
    public void EveryStageRunsAndTheLossesMoveTheIntendedWay()
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        foreach (string stage in new[] { "== prompt-init", "== reconstruction", "== enhance r0", "== prompt r0", "== enhance r1", "== prompt r1" })
            Assert.That(_result.Out, Does.Contain(stage));
        Assert.That(_result.Out, Does.Contain("ranking 3 groups"), "round 0 ranks backlit, its results and well-lit");
        Assert.That(_result.Out, Does.Contain("ranking 4 groups"), "round 1 adds the second round's results");

        var crossEntropy = Losses("prompt-init", "cross-entropy");
        var reconstruction = Losses("reconstruction", "reconstruction");
        var guided = Losses("enhance r0", "clip");
        TestContext.Out.WriteLine($"cross-entropy {string.Join(", ", crossEntropy)}; reconstruction {string.Join(", ", reconstruction)}; CLIP-guided {string.Join(", ", guided)}");
        // Single batches are noisy: compare the halves of the stage.
        Assert.That(SecondHalfMean(crossEntropy), Is.Not.NaN.And.LessThan(0.8 * FirstHalfMean(crossEntropy)), "prompt initialization separates backlit from well-lit");
        Assert.That(SecondHalfMean(reconstruction), Is.Not.NaN.And.LessThan(FirstHalfMean(reconstruction)), "the reconstruction stage approaches identity");
        Assert.That(guided[^1], Is.Not.NaN.And.LessThan(guided[0]), "enhancement makes the photos look less backlit to CLIP");
    }

    [Test]
    public void TheRunFolderHoldsCheckpointsPromptsSamplesAndEvents()
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        foreach (string name in new[] { "final.pth", "final.onnx", "best_model_round0.pth", "best_model_round0.onnx", "best_model_round1.pth", "best_model_reconstruction.pth" })
            Assert.That(File.Exists(Path.Combine(_run, name)), name);
        foreach (string name in new[] { "init_prompt_pair.pth", "prompt_pair_round0.pth", "prompt_pair_round1.pth", "final.pth" })
            Assert.That(File.Exists(Path.Combine(_run, "prompts", name)), "prompts/" + name);
        Assert.That(Directory.GetFiles(Path.Combine(_run, "samples"), "*.png", SearchOption.AllDirectories), Is.Not.Empty);
        var events = Directory.GetFiles(Path.Combine(_run, "tensorboard"), "events.out.tfevents.*");
        Assert.That(events, Is.Not.Empty);
        Assert.That(new FileInfo(events[0]).Length, Is.GreaterThan(1000), "scalars and sample images were written");
        Assert.That(Directory.GetFiles(_run, "*.partial", SearchOption.AllDirectories), Is.Empty);
        var snapshots = new RunFolder(_run).StateFolders().ToList();
        Assert.That(snapshots, Has.Count.EqualTo(2), "the two newest snapshots are kept, older ones pruned");
        Assert.That(Directory.GetDirectories(Path.Combine(_run, "state")), Has.Length.EqualTo(2), "and nothing else is left in state/");
    }

    [TestCase("final.pth")]
    [TestCase("final.onnx")]
    public void EnhanceLoadsTheTrainedCheckpoint(string checkpoint)
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        string output = Path.Combine(_root, $"enhanced-{checkpoint}.png");
        var enhance = Cliplit.Run("enhance", GoldenInput, "-o", output, "--model", Path.Combine(_run, checkpoint));
        Assert.That(enhance.ExitCode, Is.EqualTo(0), enhance.ToString());
        Assert.That(new FileInfo(output).Length, Is.GreaterThan(1000));
    }

    [Test]
    public void PyTorchLoadsTheTrainedCheckpointAndAgreesWithOurInference()
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        if (!PythonHasTorch()) Assert.Ignore("python3-torch is not installed (apt-get install python3-torch); .ci/run installs it");
        string checkpoint = Path.Combine(_run, "final.pth");
        const int height = 48, width = 64;
        var pixels = new float[3 * height * width];
        var random = new Random(7);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
        string input = Path.Combine(_root, "input.f32"), output = Path.Combine(_root, "light.f32");
        File.WriteAllBytes(input, System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray());

        string script = Path.Combine(SharedData.RepositoryRoot, "tests", "ClipLit.TrainerApp.Tests", "pytorch_light_map.py");
        var python = ChildProcess.Run(Python, script, checkpoint, input, height.ToString(CultureInfo.InvariantCulture), width.ToString(CultureInfo.InvariantCulture), output);
        var (exit, text) = (python.ExitCode, python.Out + python.Error);
        Assert.That(exit, Is.EqualTo(0), text);
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(output)).ToArray();

        var weights = EnhancementWeights.Create(checkpoint, PyTorchCheckpointReader.Read(checkpoint));
        using var estimator = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu });
        var lightMap = new float[height * width];
        estimator.Estimate(pixels, height, width, lightMap);
        double psnr = ImageMetrics.Psnr(lightMap, expected);
        TestContext.Out.WriteLine($"{text.Trim()}; ours vs PyTorch: {psnr:F1} dB, max difference {ImageMetrics.MaxAbsDifference(lightMap, expected):E2}");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(90));
        double mean = expected.Average(), spread = expected.Max() - expected.Min();
        Assert.That(mean, Is.GreaterThan(0.01), "a live network, not one whose ReLU output died");
        Assert.That(spread, Is.GreaterThan(1e-5), "the light map depends on the image");
    }

    [Test]
    public void AKilledRunResumesFromItsLastSnapshot()
    {
        string run = Path.Combine(_root, "killed");
        string program = Path.Combine(AppContext.BaseDirectory, "cliplit-train");
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in TrainArguments(run, enhanceIterations: 60)) start.ArgumentList.Add(argument);
        using (var process = Process.Start(start)!)
        {
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) TestContext.Out.WriteLine("child: " + e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // Kill it with SIGKILL once it is well into the first enhancement stage.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
            while (LatestSchedule(run) is not { Stage: "Enhancement", StageIteration: >= 20 } && !process.HasExited && DateTime.UtcNow < deadline)
                Thread.Sleep(200);
            Assert.That(process.HasExited, Is.False, "the run was still going when it was to be killed");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        var snapshot = LatestSchedule(run)!;
        TestContext.Out.WriteLine($"killed; last snapshot: {snapshot}");

        // Nothing under a final name is truncated: every checkpoint loads.
        foreach (string file in Directory.GetFiles(run, "*.pth"))
        {
            using var network = new EnhancementNetwork();
            Assert.DoesNotThrow(() => EnhancementCheckpointFile.Load(network, file), file);
        }
        foreach (string file in Directory.GetFiles(run, "*.onnx"))
            Assert.DoesNotThrow(() => ModelLoader.Load(file), file);

        var resumed = CliplitTrain.Run("train", "--out", run, "--resume");
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(resumed.Out, Does.Contain($"resumed from {Path.Combine(run, "state", "step-" + snapshot.TotalIteration)}: enhance r0, iteration {snapshot.StageIteration}/{snapshot.StageLength}"));
        Assert.That(resumed.Out, Does.Not.Contain("== prompt-init"), "finished stages are not run again");
        Assert.That(resumed.Out, Does.Contain("== prompt r1"));
        Assert.That(File.Exists(Path.Combine(run, "final.pth")));
    }

    [Test]
    public void BadInputsGetOneLineAndANonZeroExit()
    {
        var missing = CliplitTrain.Run("train", "--backlit", _backlit, "--well-lit", _wellLit, "--clip-vit", Path.Combine(_root, "nope.pt"),
            "--clip-rn", SharedData.Path("golden", "clip", "rn_tiny.state_dict.pth"), "--vocab", Vocabulary, "--out", Path.Combine(_root, "bad"));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("nope.pt"));

        // A pipe named like CLIP's weights: refused by its size, unopened (opening it would wait for a writer).
        string pipe = NamedPipe.Make(Path.Combine(_root, "vit.pt"));
        var piped = Task.Run(() => CliplitTrain.Run("train", "--backlit", _backlit, "--well-lit", _wellLit, "--clip-vit", pipe,
            "--clip-rn", SharedData.Path("golden", "clip", "rn_tiny.state_dict.pth"), "--vocab", Vocabulary, "--out", Path.Combine(_root, "piped")));
        Assert.That(piped.Wait(TimeSpan.FromMinutes(2)), Is.True, "the run ended");
        Assert.That(piped.Result.ExitCode, Is.EqualTo(1), piped.Result.ToString());
        Assert.That(piped.Result.ErrorLines, Has.Length.EqualTo(1), piped.Result.ToString());
        Assert.That(piped.Result.Error, Does.Contain($"{pipe}: empty file (0 bytes) (--clip-vit)"));

        var again = CliplitTrain.Run(TrainArguments(_run, enhanceIterations: 10));
        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.Error, Does.Contain("already holds a run"));

        var vitAsResNet = CliplitTrain.Run("train", "--backlit", _backlit, "--well-lit", _wellLit, "--clip-vit", SharedData.Path("golden", "clip", "vit_tiny.jit.pt"),
            "--clip-rn", SharedData.Path("golden", "clip", "vit_tiny.state_dict.pth"), "--vocab", Vocabulary, "--out", Path.Combine(_root, "vit"));
        Assert.That(vitAsResNet.ExitCode, Is.EqualTo(1));
        Assert.That(vitAsResNet.Error, Does.Contain("--clip-rn needs a ModifiedResNet"));

        // A run folder whose options file was damaged (shared storage, an editor): one line naming it, no trace.
        string damaged = Path.Combine(_root, "damaged");
        Directory.CreateDirectory(damaged);
        File.WriteAllText(Path.Combine(damaged, "options.json"), "{ \"BacklitFolder\": ");
        var resume = CliplitTrain.Run("train", "--out", damaged, "--resume");
        Assert.That(resume.ExitCode, Is.EqualTo(1), resume.ToString());
        Assert.That(resume.ErrorLines, Has.Length.EqualTo(1), resume.ToString());
        Assert.That(resume.Error, Does.StartWith($"error: {Path.Combine(damaged, "options.json")}: not this run's options"));
    }

    private string[] TrainArguments(string run, int enhanceIterations) =>
    [
        "train", "--backlit", _backlit, "--well-lit", _wellLit,
        "--clip-vit", SharedData.Path("golden", "clip", "vit_tiny.jit.pt"), "--clip-rn", SharedData.Path("golden", "clip", "rn_tiny.state_dict.pth"),
        "--vocab", Vocabulary, "--out", run,
        "--prompt-init-iters", "40", "--reconstruction-iters", "10", "--enhance-iters", enhanceIterations.ToString(CultureInfo.InvariantCulture),
        "--prompt-iters", "6", "--rounds", "2", "--image-size", "64", "--batch", "4", "--prompt-batch", "8",
        "--snapshot-interval", "5", "--display-interval", "5", "--lr", "1e-4", "--prompt-lr", "5e-3",
        // From the paper's initial network, as its train.py starts by default; the reconstruction stage still runs, asked for.
        "--init-model", SharedData.InitialEnhancementCheckpoint,
        "--prompt-threshold", "1e9", "--enhance-threshold", "1e9", "--seed", "3",
    ];

    private static string Vocabulary => SharedData.Path("clip", "bpe_simple_vocab_16e6.txt.gz");

    private static string GoldenInput => SharedData.Path("golden", "enhance-512", "110_51093502029_o.input.png");

    private string LinkedFolder(string name, IEnumerable<string> files)
    {
        string folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        foreach (string file in files) File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(file)), file);
        return folder;
    }

    /// <summary>The named loss from each progress line of a stage, in order.</summary>
    private List<double> Losses(string stage, string loss) =>
        [.. _result.Out.Split('\n')
            .Where(line => line.TrimStart().StartsWith(stage + " ", StringComparison.Ordinal))
            .Select(line => Regex.Match(line, @"\d+/\d+ .*" + Regex.Escape(loss) + @" ([-0-9.eE+]+)"))
            .Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static double FirstHalfMean(List<double> values) => values.Take(values.Count / 2).Average();

    private static double SecondHalfMean(List<double> values) => values.Skip(values.Count / 2).Average();

    private sealed record ScheduleView(string Stage, int StageIteration, int StageLength, int TotalIteration);

    private static ScheduleView? LatestSchedule(string run)
    {
        var state = new ClipLit.Trainer.Training.RunFolder(run).LatestState();
        if (state is null) return null;
        try
        {
            return JsonSerializer.Deserialize<ScheduleView>(File.ReadAllText(Path.Combine(state, "schedule.json")));
        }
        catch (IOException)
        {
            return null; // an older snapshot was just removed
        }
    }

    /// <summary>Debian's python3 (where python3-torch installs), before any other on PATH.</summary>
    private static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static bool PythonHasTorch() => ChildProcess.Run(Python, "-c", "import torch").ExitCode == 0;
}
