using ClipLit.Bench.Gpu;
using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipLit.Bench.Tests;

/// <summary>
/// The GPU proof without a GPU: the whole of <c>bench gpu</c> rehearsed with the CPU path in
/// CUDA's place (what bench/gpu_check.sh --rehearse runs), and its checks failing where they must,
/// on real networks and photos: another network's light map, and two frames too alike for a stale
/// light map to show.
/// </summary>
[TestFixture]
public sealed class GpuProofTests
{
    private const int Width = 160, Height = 96;

    [Test]
    public void TheRehearsalRunsEveryCheckThenTheFiguresAndWritesTheReportAndAFrame()
    {
        string folder = Directory.CreateTempSubdirectory("cliplit-gpu-proof-").FullName;
        try
        {
            string report = Path.Combine(folder, "benchmarks.md");
            var bench = CliplitBench.Run("bench", "gpu", "--rehearse", "--size", $"{Width}x{Height}", "--frames", "30", "--output", report, "--proof", folder);
            Assert.That(bench.ExitCode, Is.EqualTo(0), bench.ToString());
            var checks = bench.ErrorLines.Where(l => l.Contains("] check: ", StringComparison.Ordinal)).ToList();
            Assert.That(checks, Has.Count.EqualTo(5), bench.ToString());
            Assert.That(bench.ErrorLines.Last(), Does.EndWith("done: every check passed"));

            string markdown = File.ReadAllText(report);
            Assert.That(markdown, Does.Contain("<!-- section:gpu -->").And.Contain("**Rehearsal on a machine without CUDA"));
            Assert.That(markdown, Does.Contain($"CPU: {MachineTests.CpuModelFromProc()}, {Environment.ProcessorCount} logical cores"), "the report names the machine it ran on");
            foreach (string row in (string[])["| round trip |", "| zero-copy |", "| zero-copy, TF32 on |", "| frame engine, 12 alternating frames, worst frame |"])
                Assert.That(markdown, Does.Contain(row));
            // The stale frame (the second photo over the first one's light map) is far from the right one.
            var stale = bench.ErrorLines.Single(l => l.Contains("second frame through one slot", StringComparison.Ordinal));
            double stalePsnr = double.Parse(stale.Split(", ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(stalePsnr, Is.GreaterThan(0).And.LessThan(40), stale);

            // The frame is the first backlit photo enhanced: its size, and brighter than the photo.
            using var frame = Image.Load<Rgba32>(Path.Combine(folder, "zero-copy-frame.png"));
            Assert.That((frame.Width, frame.Height), Is.EqualTo((Width, Height)));
            using var photo = Image.Load<Rgba32>(Directory.GetFiles(SharedData.BacklitPhotos).Order(StringComparer.Ordinal).First());
            photo.Mutate(x => x.Resize(Width, Height));
            double before = MeanLuma(photo), after = MeanLuma(frame);
            Assert.That(after, Is.GreaterThan(before + 10), $"mean luma {before:F1} -> {after:F1}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void AnotherNetworksLightMapFailsTheCheckWithItsFigure()
    {
        string folder = Directory.CreateTempSubdirectory("cliplit-gpu-proof-").FullName;
        try
        {
            var paper = ModelFile.Load(SharedData.EnhancementCheckpoint);
            var student = ModelFile.Load(TestStudents.Write(Path.Combine(folder, "student.onnx")));
            var options = EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = 1 };
            using var paperEstimator = paper.OpenEstimator(options);
            using var studentEstimator = student.OpenEstimator(options);
            using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
            var checks = new GpuChecks(device, Width, Height);
            var frames = BacklitFrames(2);

            var failure = Assert.Throws<GpuCheckFailure>(() =>
                checks.LightMap(new HostMappedTensors(studentEstimator), new HostMappedTensors(paperEstimator), frames[0], "the student's light map"));
            Assert.That(failure!.Message, Does.Match(@"^the student's light map: PSNR \d+\.\d dB against the reference, below 60 dB$"));
            // The same network twice passes.
            Assert.That(checks.LightMap(new HostMappedTensors(paperEstimator), new HostMappedTensors(paperEstimator), frames[0], "the same"),
                Is.GreaterThanOrEqualTo(GpuChecks.MinimumPsnr));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TheStaleFrameCheckRefusesTwoFramesTooAlikeToShowAStaleLightMap()
    {
        var paper = ModelFile.Load(SharedData.EnhancementCheckpoint);
        using var estimator = paper.OpenEstimator(EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = 1 });
        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        var checks = new GpuChecks(device, Width, Height);
        var tensors = new HostMappedTensors(estimator);
        var frames = BacklitFrames(2);

        var (right, stale) = checks.StaleFrame(tensors, tensors, frames[0], frames[1]);
        Assert.That(right, Is.GreaterThanOrEqualTo(GpuChecks.MinimumPsnr));
        Assert.That(stale, Is.LessThan(right - 10));
        var failure = Assert.Throws<GpuCheckFailure>(() => checks.StaleFrame(tensors, tensors, frames[0], frames[0]));
        Assert.That(failure!.Message, Does.StartWith("the stale-frame check cannot tell the frames apart"));
    }

    private static List<byte[]> BacklitFrames(int count) =>
        Directory.GetFiles(SharedData.BacklitPhotos).Order(StringComparer.Ordinal).Take(count).Select(path =>
        {
            using var image = Image.Load<Rgba32>(path);
            image.Mutate(x => x.Resize(Width, Height));
            var rgba = new byte[Width * Height * 4];
            image.CopyPixelDataTo(rgba);
            return rgba;
        }).ToList();

    private static double MeanLuma(Image<Rgba32> image)
    {
        double sum = 0;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y)) sum += 0.2126 * p.R + 0.7152 * p.G + 0.0722 * p.B;
        });
        return sum / (image.Width * image.Height);
    }
}
