using ClipLit.Engine.Gpu;
using ClipLit.Inference.Cuda;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;

namespace ClipLit.Engine.Tests;

/// <summary>
/// The GPU chain: the readiness report names the first broken link (checked for real on every
/// machine: here, the missing NVIDIA driver), and where CUDA exists, the light map ONNX Runtime
/// computes on CUDA from Vulkan-exported memory, read back through Vulkan, is the CPU path's.
/// </summary>
[TestFixture]
public sealed class ZeroCopyLightMapTests
{
    [Test]
    public void TheFallbackReasonIsTheFirstBrokenLink()
    {
        var report = GpuReadiness.Check();
        foreach (var component in report.Components) TestContext.Out.WriteLine($"{component.Ready} {component.Name}: {component.Detail}");
        var broken = report.Components.FirstOrDefault(c => !c.Ready);
        if (broken is null)
        {
            Assert.That(report.Residence, Is.EqualTo(EnhancerResidence.CudaImported));
            return;
        }
        Assert.That(report.Residence, Is.EqualTo(EnhancerResidence.HostMapped));
        Assert.That(report.FallbackReason, Is.EqualTo($"{broken.Name}: {broken.Detail}"));
        if (CudaContext.Problem() is { } problem)
        {
            Assert.That(broken.Name, Does.Contain("NVIDIA driver"), "without a driver, that is the first link named");
            Assert.That(report.FallbackReason, Does.Contain(problem));
        }
    }

    [Test]
    public void WithoutTheDriverTheCudaBindingSaysWhichLibraryIsMissing()
    {
        if (CudaContext.Problem() is null) Assert.Ignore("this machine has a CUDA driver: the missing-driver message cannot be seen here");
        Assert.That(CudaContext.Problem(), Is.EqualTo("no NVIDIA driver (libcuda.so.1 not found)"));
    }

    [Test]
    public void TheZeroCopyLightMapIsTheCpuPaths()
    {
        if (CudaContext.Problem() is { } problem) Assert.Ignore($"no CUDA on this machine: {problem}");
        const int width = 512, height = 384;
        var input = new float[3 * width * height];
        var random = new Random(11);
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        var weights = ModelLoader.Load(SharedData.EnhancementCheckpoint);

        var expected = new float[width * height];
        using (var cpu = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu }))
            cpu.Estimate(input, height, width, expected);

        using var vulkan = new VkComputeDevice(new VkDeviceOptions(VkValidation.Off, null) { ExternalMemory = true });
        using var cuda = CudaContext.ForUuid(vulkan.Uuid);
        using var networkInput = VkSharedBuffer.Allocate(vulkan, (ulong)input.Length * sizeof(float), "network input");
        using var lightMap = VkSharedBuffer.Allocate(vulkan, (ulong)expected.Length * sizeof(float), "light map");
        VkStagingCopy.Upload<float>(vulkan, networkInput, input);
        using var cudaInput = new CudaSharedBuffer(cuda, networkInput.ExportDescriptor(), networkInput.AllocationSize, networkInput.Size);
        using var cudaLightMap = new CudaSharedBuffer(cuda, lightMap.ExportDescriptor(), lightMap.AllocationSize, lightMap.Size);
        using var runner = new CudaLightMapRunner(weights, cuda, allowTf32: false); // TF32 would round convolution inputs: not the CPU path
        runner.Run(cudaInput, cudaLightMap, width, height);
        var actual = VkStagingCopy.Download<float>(vulkan, lightMap, expected.Length);

        double psnr = ImageMetrics.Psnr(actual, expected, peak: expected.Max()); // the light map is not in [0, 1]
        TestContext.Out.WriteLine($"{cuda.Device.Name}: light map PSNR {psnr:F1} dB against the CPU path");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(60));
    }
}
