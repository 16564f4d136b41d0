using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>Device selection: honest fallback with --device auto, a clear error with --device cuda; where the frame stages run.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DeviceTests
{
    [Test]
    public void TheFrameStagesAreChosenByTheVariableAndGiveTheSamePhotoWithinOneLevel()
    {
        string? saved = Environment.GetEnvironmentVariable("CLIPLIT_STAGES");
        using var workspace = new Workspace();
        // A real backlit photo larger than fast quality's network size, so the frame is downscaled and the light map brought up.
        string photo = Path.Combine(SharedData.Path("golden", "enhance-512"), "110_51093502029_o.input.png");
        try
        {
            Environment.SetEnvironmentVariable("CLIPLIT_STAGES", "gpu");
            var typo = Cli.Run(Cli.WithModel("enhance", photo, "-o", workspace.PathOf("typo.png")));
            Assert.That(typo.ExitCode, Is.EqualTo(2), typo.ToString());
            Assert.That(typo.ErrorLines, Is.EqualTo(new[] { "error: CLIPLIT_STAGES=gpu: expected auto, cpu or vulkan" }));
            Assert.That(File.Exists(workspace.PathOf("typo.png")), Is.False);

            // Fast quality on a photo: pre-process, guided upsampling and compose, through each implementation.
            var outputs = new Dictionary<string, byte[]>();
            foreach (string stages in new[] { "vulkan", "cpu" })
            {
                Environment.SetEnvironmentVariable("CLIPLIT_STAGES", stages);
                string output = workspace.PathOf($"{stages}.png");
                var run = Cli.Run(Cli.WithModel("enhance", photo, "-o", output, "--quality", "fast", "--device", "cpu"));
                Assert.That(run.ExitCode, Is.Zero, run.ToString());
                var doctor = Cli.Run("doctor");
                Assert.That(doctor.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1],
                    Does.StartWith(stages == "cpu" ? "frame stages: CPU twins" : "frame stages: Vulkan shaders").And.Contain($"CLIPLIT_STAGES={stages}"));
                using var image = ClipLit.VideoIO.Images.StillImageReader.Read(output);
                outputs[stages] = new byte[4 * image.Width * image.Height];
                image.CopyPixelsTo(outputs[stages]);
            }
            var (shaders, twins) = (outputs["vulkan"], outputs["cpu"]);
            int worst = shaders.Zip(twins, (a, b) => Math.Abs(a - b)).Max(), apart = shaders.Zip(twins).Count(p => p.First != p.Second);
            TestContext.Out.WriteLine($"CPU twins against shaders: {apart} of {shaders.Length} channels apart, worst {worst}");
            Assert.That(worst, Is.LessThanOrEqualTo(1));
            Assert.That(apart, Is.LessThan(shaders.Length / 100));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLIPLIT_STAGES", saved);
        }
    }

    [Test]
    public void WithoutCudaAutoFallsBackToTheCpuAndSaysWhyWhileCudaIsAnError()
    {
        if (NvidiaDriver.Present()) Assert.Ignore("an NVIDIA driver is present: this test checks the machine-without-CUDA path");
        using var workspace = new Workspace();
        string photo = workspace.Photo("photo.png");

        var auto = Cli.Run(Cli.WithModel("enhance", photo, "-o", workspace.PathOf("auto.png")));
        Assert.That(auto.ExitCode, Is.EqualTo(0));
        Assert.That(auto.Error, Does.Contain("running on CPU (ONNX Runtime").And.Contain("note: not using CUDA: no NVIDIA driver"));

        var cuda = Cli.Run(Cli.WithModel("enhance", photo, "-o", workspace.PathOf("cuda.png"), "--device", "cuda"));
        Assert.That(cuda.ExitCode, Is.EqualTo(1));
        Assert.That(cuda.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
            Is.EqualTo("error: --device cuda: CUDA is not usable: no NVIDIA driver (libcuda.so.1 not found)"));
        Assert.That(File.Exists(workspace.PathOf("cuda.png")), Is.False);
    }

    [Test]
    public void DoctorListsEachLinkAndWhereTheEnhancerRuns()
    {
        var doctor = Cli.Run("doctor");
        Assert.That(doctor.ExitCode, Is.EqualTo(0), doctor.ToString());
        var lines = doctor.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Count(l => l.StartsWith("[ok]", StringComparison.Ordinal) || l.StartsWith("[missing]", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(6));
        Assert.That(lines, Has.Some.Match(@"^\[(ok|missing)\] +Vulkan"));
        Assert.That(lines.Where(l => l.StartsWith("[absent]", StringComparison.Ordinal)), Has.All.Contain("optional"), "only optional links may be absent without a verdict");
        // The last line says where the frame stages run, and why.
        Assert.That(lines[^1], Does.StartWith("frame stages: ").And.Contain("CLIPLIT_STAGES=auto|cpu|vulkan overrides"));
        if (NvidiaDriver.Present())
        {
            Assert.That(lines[^2], Does.StartWith("enhancer: "));
            return;
        }
        Assert.That(lines[0], Is.EqualTo("[missing] NVIDIA driver (CUDA driver API): no NVIDIA driver (libcuda.so.1 not found)"));
        Assert.That(lines, Has.Some.EqualTo("[missing] libcudnn.so.9: not found on the library path (see docs/gpu.md)"));
        Assert.That(lines[^2], Is.EqualTo("enhancer: CPU, tensors in host-mapped Vulkan memory; not CUDA because NVIDIA driver (CUDA driver API): no NVIDIA driver (libcuda.so.1 not found)"));
        // Without a GPU the Vulkan device here is lavapipe, a CPU: the twins run unless the variable says otherwise.
        if (Environment.GetEnvironmentVariable("CLIPLIT_STAGES") is null)
            Assert.That(lines[^1], Does.StartWith("frame stages: CPU twins").And.Contain("the Vulkan device is a CPU"));
    }
}
