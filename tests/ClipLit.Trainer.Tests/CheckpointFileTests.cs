using System.Diagnostics;
using ClipLit.Inference.Model;
using ClipLit.TestSupport;
using ClipLit.Trainer.Model;

namespace ClipLit.Trainer.Tests;

/// <summary>.pth files the trainer writes: readable by our torch-free reader, by TorchSharp, and by PyTorch 1.13.</summary>
[TestFixture]
public sealed class CheckpointFileTests : TemporaryFolderFixture
{
    [Test]
    public void SavedCheckpointRoundTripsWithThePapersKeys()
    {
        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
        string saved = Path.Combine(Folder, "saved.pth");
        EnhancementCheckpointFile.Save(network, saved);

        var original = PyTorchCheckpointReader.Read(SharedData.EnhancementCheckpoint);
        var written = PyTorchCheckpointReader.Read(saved);
        Assert.That(written.Keys, Is.EquivalentTo(original.Keys), "keys keep the paper's module. prefix");
        foreach (var (key, tensor) in original)
        {
            Assert.That(written[key].Shape, Is.EqualTo(tensor.Shape), key);
            Assert.That(written[key].Values, Is.EqualTo(tensor.Values), key);
        }
        Assert.That(Directory.GetFiles(Folder), Has.Length.EqualTo(1), "no temporary file is left behind");

        using var reloaded = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(reloaded, saved);
        var before = network.state_dict();
        foreach (var (name, value) in reloaded.state_dict())
            Assert.That(value.eq(before[name]).all().item<bool>(), Is.True, $"{name} differs after the round trip");
    }

    [Test]
    public void PyTorch113LoadsTheSavedCheckpointWithThePapersTestScriptLogic()
    {
        string python = "/usr/bin/python3";
        if (!File.Exists(python) || RunPython(python, "import torch") is not (0, _))
            Assert.Ignore("Debian's python3-torch is not installed (scripts/install-system-packages.sh installs it)");

        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
        string saved = Path.Combine(Folder, "for_pytorch.pth");
        EnhancementCheckpointFile.Save(network, saved);

        // What the paper's test.py does: torch.load, strip k[7:], compare against the original file.
        var script = $$"""
            import torch
            mine = torch.load("{{saved}}", map_location="cpu")
            theirs = torch.load("{{SharedData.EnhancementCheckpoint}}", map_location="cpu")
            assert list(mine.keys()) == list(theirs.keys()) or sorted(mine) == sorted(theirs), "keys differ"
            stripped = {k[7:]: v for k, v in mine.items()}
            assert "cond1.weight" in stripped
            for k in theirs:
                assert torch.equal(mine[k], theirs[k]), k
            print("ok", torch.__version__, len(mine))
            """;
        var (exitCode, output) = RunPython(python, script);
        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.StartWith("ok 1.13"));
    }

    private static (int ExitCode, string Output) RunPython(string python, string script)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
