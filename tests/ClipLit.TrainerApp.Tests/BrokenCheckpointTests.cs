using ClipLit.TestSupport;
using ClipLit.Trainer.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipLit.TrainerApp.Tests;

/// <summary>
/// <c>cliplit enhance</c> refuses a checkpoint whose keys are off, naming them. Here rather than
/// with the runtime app's other bad-input tests because writing the checkpoint takes TorchSharp,
/// which those tests no longer reference.
/// </summary>
[TestFixture]
public sealed class BrokenCheckpointTests
{
    [Test]
    public void CheckpointWithMissingAndUnexpectedKeysNamesThem()
    {
        string folder = Directory.CreateTempSubdirectory("cliplit-broken-").FullName;
        try
        {
            using var network = new EnhancementNetwork();
            EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
            var state = network.state_dict().ToDictionary(kv => "module." + kv.Key, kv => kv.Value);
            state.Remove("module.condx.bias");
            state["module.extra_head.weight"] = zeros(4, 4);
            string broken = Path.Combine(folder, "broken.pth");
            using (var stream = File.Create(broken)) PyTorchPickler.PickleStateDict(stream, state);

            string photo = SharedData.Path("golden", "enhance-512", "110_51093502029_o.input.png");
            var result = Cliplit.Run("enhance", photo, "-o", Path.Combine(folder, "out.png"), "--model", broken);
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
                Does.Contain(broken).And.Contain("missing condx.bias").And.Contain("unexpected extra_head.weight"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
