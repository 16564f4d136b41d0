using System.Globalization;
using System.Security.Cryptography;
using ClipLit.Cli;
using ClipLit.Inference.Student;
using ClipLit.TestSupport;
using ClipLit.Trainer.Distillation;
using ClipLit.Trainer.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipLit.TrainerApp.Tests;

/// <summary>
/// <c>cliplit distill</c> end to end on three real backlit photos (the golden 512-pixel inputs, one
/// view each, so the teacher labels quickly) with a tiny 4,8 student: the validation PSNR improves,
/// student.onnx is a valid student of the teacher, snapshots are complete folders, a run stopped and
/// resumed equals an uninterrupted one bit for bit, and bad input gets one error line.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DistillCommandTests
{
    private string _root = null!;
    private string _photos = null!;
    private string _run = null!;
    private CommandResult _result = null!;

    private string[] Arguments(string run, int iterations, params string[] more) =>
        ["distill", "--teacher", SharedData.EnhancementCheckpoint, "--images", _photos, "--out", run, "--widths", "4,8", "--views-per-image", "1",
         "--validation-images", "1", "--iterations", iterations.ToString(CultureInfo.InvariantCulture), "--validate-every", "4", "--batch", "2",
         "--lr", "0.005", "--seed", "3", "--threads", "2", .. more];

    [OneTimeSetUp]
    public void DistilOnce()
    {
        _root = Directory.CreateTempSubdirectory("cliplit-distill-").FullName;
        _photos = Directory.CreateDirectory(Path.Combine(_root, "photos")).FullName;
        foreach (string photo in Directory.GetFiles(SharedData.Path("golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal).Take(3))
            File.CreateSymbolicLink(Path.Combine(_photos, Path.GetFileName(photo)), photo);
        _run = Path.Combine(_root, "run");
        _result = CliplitTrain.Run(Arguments(_run, 12));
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_root, recursive: true);

    [Test]
    public void TheValidationPsnrImprovesAndTheStudentIsWrittenWithItsTeacher()
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        var rows = File.ReadAllLines(Path.Combine(_run, "history.csv")).Skip(1)
            .Select(l => l.Split(',')).Select(f => (Iteration: int.Parse(f[0], CultureInfo.InvariantCulture), Psnr: double.Parse(f[3], CultureInfo.InvariantCulture))).ToList();
        TestContext.Out.WriteLine(string.Join("; ", rows.Select(r => $"{r.Iteration}: {r.Psnr:F2} dB")));
        Assert.That(rows.Select(r => r.Iteration), Is.EqualTo(new[] { 4, 8, 12 }));
        Assert.That(rows.All(r => double.IsFinite(r.Psnr)), "finite PSNR");
        Assert.That(rows[^1].Psnr - rows[0].Psnr, Is.InRange(0.01, 100), "validation PSNR rises");

        var student = StudentModelFile.Read(Path.Combine(_run, StudentDistiller.StudentFile));
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(SharedData.EnhancementCheckpoint)));
        Assert.That(student.Metadata.TeacherSha256, Is.EqualTo(sha));
        Assert.That(student.Metadata.TeacherName, Is.EqualTo("enhancement_model.pth"));
        Assert.That(student.Metadata.InputScale, Is.EqualTo(0.2));
        Assert.That(student.Metadata.Architecture, Is.EqualTo("unet 4,8 at 0.2"));
        Assert.That(student.Metadata.Validation, Does.Match(@"^psnr \d+\.\d+ dB mean, \d+\.\d+ worst; ssim 0\.\d+ \(1 held-out views, iteration \d+\)$"));
        Assert.That(student.Metadata.Training, Does.Contain("seed 3"));
        Assert.That(Directory.EnumerateFiles(Path.Combine(_run, "tensorboard")).Any(), "TensorBoard events");
    }

    [Test]
    public void OnlyTheStudentIsAtTheTopAndSnapshotsAreCompleteFolders()
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        var top = Directory.GetFiles(_run).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.That(top, Is.EqualTo(new[] { "history.csv", "options.json", "student.onnx" }), "nothing half-written or model-like beside the student (live --watch looks here)");
        var states = Directory.GetDirectories(Path.Combine(_run, "state")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.That(states, Is.EqualTo(new[] { "step-12", "step-8" }), "the two newest snapshots, no hidden partial folder");
        foreach (string state in Directory.GetDirectories(Path.Combine(_run, "state")))
            Assert.That(Directory.GetFiles(state).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "optimizer.bin", "state.json", "student.pth" }));
        Assert.That(Directory.EnumerateFiles(Path.Combine(_run, "labels"), "*.partial").Any(), Is.False);
    }

    [Test]
    public void UnusableSourcesAreNamedLeftOutAndTheRunGoesOn()
    {
        // A photo that does not decode and one too small to make views of: each named, left out, and the student trained on the rest.
        string photos = Directory.CreateDirectory(Path.Combine(_root, "mixed")).FullName;
        foreach (string photo in Directory.GetFiles(SharedData.Path("golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal).Take(2))
            File.CreateSymbolicLink(Path.Combine(photos, Path.GetFileName(photo)), photo);
        string broken = Path.Combine(photos, "broken.jpg"), tiny = Path.Combine(photos, "tiny.png");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        using (var pixel = ClipLit.VideoIO.Images.StillImage.FromRgba(tiny, new byte[] { 200, 120, 40, 255 }, 1, 1))
            ClipLit.VideoIO.Images.StillImageWriter.Write(pixel, tiny, ClipLit.VideoIO.Images.StillImageWriteOptions.Default);
        string run = Path.Combine(_root, "mixed-run");

        var result = CliplitTrain.Run(["distill", "--teacher", SharedData.EnhancementCheckpoint, "--images", photos, "--out", run, "--widths", "4,8", "--views-per-image", "1",
            "--validation-images", "1", "--iterations", "2", "--validate-every", "2", "--threads", "2"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), "some input could not be used: as enhance, the status says so\n" + result);
        var errors = result.ErrorLines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(2), result.ToString());
        Assert.That(errors, Has.One.StartsWith($"error: {broken}").And.EndsWith("; left out"));
        Assert.That(errors, Has.One.EqualTo($"error: {tiny}: too small (1x1): distillation takes photos of at least 16x16 pixels; left out"));
        Assert.That(result.Error, Does.Contain("2 photos"));
        Assert.That(result.ErrorLines.Last(), Is.EqualTo("2 source file(s) were left out (named above)"));
        Assert.That(File.Exists(Path.Combine(run, StudentDistiller.StudentFile)), "the student is trained on the usable photos");
    }

    [Test]
    public void AResumedRunEqualsAnUninterruptedOne()
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        string run = Path.Combine(_root, "resumed");
        // Stopped as Ctrl+C stops it, once its first snapshot exists: it ends the current iteration with a snapshot.
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && !Directory.Exists(Path.Combine(run, "state", "step-4"))) await Task.Delay(20);
            stop.Cancel();
        });
        var first = CommandRunner.Run("cliplit-train", Program.Run, stop.Token, Arguments(run, 12));
        stop.Cancel();
        watcher.Wait();
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Interrupted), first.ToString());
        Assert.That(first.Error, Does.Contain("stopped at iteration"));
        var second = CliplitTrain.Run("distill", "--out", run, "--resume");
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(second.Error, Does.Contain("resumed from").And.Contain("labels: 3 views cached"));
        Assert.That(second.Error, Does.Not.Contain("the teacher labels"), "labels are reused");

        var expected = Weights(Path.Combine(_run, "state", "step-12", "student.pth"));
        var actual = Weights(Path.Combine(run, "state", "step-12", "student.pth"));
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, values) in expected)
            Assert.That(actual[name], Is.EqualTo(values), $"{name} differs after resuming");
    }

    private static Dictionary<string, float[]> Weights(string path)
    {
        using var stream = File.OpenRead(path);
        var table = PyTorchUnpickler.UnpickleStateDict(stream);
        return table.Keys.Cast<string>().ToDictionary(k => k, k => ((Tensor)table[k]!).data<float>().ToArray());
    }

    [Test]
    public void FramesOfAVideoAreSourceImages()
    {
        string run = Path.Combine(_root, "video");
        var result = CliplitTrain.Run(["distill", "--teacher", SharedData.EnhancementCheckpoint, "--images", _photos, "--videos", SharedData.Path("data", "video", "backlit_720p30.mp4"),
            "--frame-step", "120", "--out", run, "--widths", "4,8", "--views-per-image", "1", "--validation-images", "1", "--iterations", "2", "--validate-every", "2", "--threads", "2"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Does.Contain("3 photos, 2 frames of 1 videos"));
        Assert.That(Directory.GetFiles(Path.Combine(run, "labels"), "backlit_720p30_f*.bin").Select(f => Path.GetFileName(f)).Select(n => n[..n.IndexOf('.')]).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "backlit_720p30_f0", "backlit_720p30_f120" }));
        Assert.That(File.Exists(Path.Combine(run, StudentDistiller.StudentFile)));
    }

    [Test]
    public void AnExistingRunIsRefusedWithoutResume()
    {
        Assert.That(_result.ExitCode, Is.EqualTo(0), _result.ToString());
        var again = CliplitTrain.Run(Arguments(_run, 12));
        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.ErrorLines.Single(), Does.StartWith("error:").And.Contain("already holds a run"));
    }

    [Test]
    public void AMissingTeacherIsOneErrorLine()
    {
        string missing = Path.Combine(_root, "nowhere.pth");
        var result = CliplitTrain.Run("distill", "--teacher", missing, "--images", _photos, "--out", Path.Combine(_root, "missing-teacher"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(), Does.StartWith("error:").And.Contain(missing));
    }

    [Test]
    public void ACorruptTeacherIsOneErrorLine()
    {
        string corrupt = Path.Combine(_root, "corrupt.pth");
        var bytes = File.ReadAllBytes(SharedData.EnhancementCheckpoint);
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]);
        var result = CliplitTrain.Run("distill", "--teacher", corrupt, "--images", _photos, "--out", Path.Combine(_root, "corrupt-teacher"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(), Does.StartWith("error:").And.Contain(corrupt));
    }

    [Test]
    public void ATeacherWithANaNWeightIsOneErrorLine()
    {
        string poisoned = Path.Combine(_root, "nan.pth");
        using (var network = new EnhancementNetwork())
        {
            EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
            var state = network.state_dict().ToDictionary(kv => "module." + kv.Key, kv => kv.Value);
            using (no_grad()) state["module.condx.weight"][0, 0, 1, 1] = float.NaN;
            using var stream = File.Create(poisoned);
            PyTorchPickler.PickleStateDict(stream, state);
        }
        var result = CliplitTrain.Run("distill", "--teacher", poisoned, "--images", _photos, "--out", Path.Combine(_root, "nan-teacher"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(), Does.StartWith("error:").And.Contain(poisoned).And.Contain("condx.weight"));
    }

    [Test]
    public void NoUsableImageIsAnError()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_root, "nothing-usable")).FullName;
        File.WriteAllText(Path.Combine(folder, "notes.png"), "not a picture");
        var result = CliplitTrain.Run("distill", "--teacher", SharedData.EnhancementCheckpoint, "--images", folder, "--out", Path.Combine(_root, "no-images"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Length.EqualTo(2), result.ToString());
        Assert.That(result.ErrorLines[0], Does.StartWith("error:").And.Contain("notes.png"));
        Assert.That(result.ErrorLines[1], Does.StartWith("error:").And.Contain("no usable source image"));
        Assert.That(Directory.Exists(Path.Combine(_root, "no-images")), Is.False, "nothing written");
    }

    [Test]
    public void WithoutATeacherItIsAUsageError()
    {
        var result = CliplitTrain.Run("distill", "--images", _photos, "--out", Path.Combine(_root, "no-teacher"));
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error, Does.Contain("--teacher"));
    }
}
