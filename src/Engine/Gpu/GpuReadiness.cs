using System.Runtime.InteropServices;
using ClipLit.Inference.Cuda;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// One link of the GPU chain: what it is, whether it works, what was found or what is wrong, and whether the zero-copy path needs it.
/// Thread-safety: immutable.
/// </summary>
public sealed record GpuComponent(string Name, bool Ready, string Detail, bool Required = true);

/// <summary>
/// Checks each link of the zero-copy chain in order (NVIDIA driver, CUDA runtime libraries, ONNX
/// Runtime's CUDA provider, a Vulkan device that exports memory, the same GPU in CUDA and Vulkan)
/// and says which <see cref="EnhancerResidence"/> is usable and, when it is not CUDA, the first
/// broken link: what <c>cliplit doctor</c> prints and what the frame engine logs when it falls back.
/// Thread-safety: stateless; Check may run on any thread (it opens and closes its own CUDA contexts and Vulkan device).
/// </summary>
public static class GpuReadiness
{
    /// <summary>
    /// The CUDA 13 libraries Microsoft.ML.OnnxRuntime.Gpu 1.31's CUDA provider links (its DT_NEEDED
    /// entries, besides libcuda.so.1, which the driver check covers), and cuDNN 9, which it loads when
    /// the first convolution is planned: the network is convolutions, so it is required too. cuFFT
    /// is not linked (only FFT operators, which the network has none of, would load it).
    /// </summary>
    public static readonly string[] CudaRuntimeLibraries = ["libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];

    /// <summary>
    /// What was found.
    /// Thread-safety: immutable.
    /// </summary>
    /// <param name="Components">Each link, in chain order.</param>
    /// <param name="Residence">Where the frame engine's tensors will live.</param>
    /// <param name="FallbackReason">When not CUDA-imported: the first broken required link.</param>
    /// <param name="NetworkOnCuda">ONNX Runtime's CUDA provider starts: the network runs on CUDA (with host round trips when not zero-copy).</param>
    public sealed record Report(IReadOnlyList<GpuComponent> Components, EnhancerResidence Residence, string? FallbackReason, bool NetworkOnCuda)
    {
        /// <summary>Whether the Vulkan device is a CPU (lavapipe): then the frame stages' CPU twins run by default.</summary>
        public bool VulkanIsCpu { get; init; }
    }

    public static Report Check()
    {
        // In chain order, so the first broken link is the most basic one.
        var components = new List<GpuComponent>();
        var cudaDevices = CheckDriver(components);
        bool libraries = CheckLibraries(components);
        bool provider = cudaDevices is not null && libraries && CheckProvider(components);
        Guid? vulkanUuid = CheckVulkan(components, out bool vulkanIsCpu);
        if (cudaDevices is not null && vulkanUuid is { } uuid)
        {
            bool same = cudaDevices.Any(d => d.Uuid == uuid);
            components.Add(new GpuComponent("CUDA device is the Vulkan device (same UUID)", same, same ? "yes" : $"no CUDA device has the Vulkan device's UUID {uuid}"));
            if (same && provider) CheckProviderStream(components, uuid);
        }
        var broken = components.FirstOrDefault(c => c.Required && !c.Ready);
        return broken is null && provider
            ? new Report(components, EnhancerResidence.CudaImported, null, provider) { VulkanIsCpu = vulkanIsCpu }
            : new Report(components, EnhancerResidence.HostMapped, broken is null ? "CUDA is not usable" : $"{broken.Name}: {broken.Detail}", provider) { VulkanIsCpu = vulkanIsCpu };
    }

    private static Guid? CheckVulkan(List<GpuComponent> components, out bool isCpu)
    {
        isCpu = false;
        try
        {
            using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Off, null) { ExternalMemory = true });
            components.Add(new GpuComponent("Vulkan device", true, $"{device.Name}, UUID {device.Uuid}"));
            isCpu = device.IsCpu;
            components.Add(new GpuComponent("Vulkan memory export (VK_KHR_external_memory_fd)", true, "yes"));
            // Optional: the frame engine orders the handoffs between Vulkan and CUDA on the host (docs/gpu.md).
            components.Add(new GpuComponent("Vulkan semaphore export (VK_KHR_external_semaphore_fd, optional)", device.SharesSemaphores,
                device.SharesSemaphores ? "yes" : $"{device.Name} has no VK_KHR_external_semaphore_fd", Required: false));
            return device.Uuid;
        }
        catch (VulkanException e)
        {
            components.Add(new GpuComponent("Vulkan device that exports memory", false, e.Message));
            return null;
        }
    }

    /// <summary>The CUDA devices, or null when the driver is not usable.</summary>
    private static IReadOnlyList<CudaDeviceInfo>? CheckDriver(List<GpuComponent> components)
    {
        if (CudaContext.Problem() is { } problem)
        {
            components.Add(new GpuComponent("NVIDIA driver (CUDA driver API)", false, problem));
            return null;
        }
        int version = CudaContext.DriverVersion();
        components.Add(new GpuComponent("NVIDIA driver (CUDA driver API)", true, $"CUDA {version / 1000}.{version % 1000 / 10}"));
        var devices = CudaContext.Devices();
        foreach (var device in devices)
            components.Add(new GpuComponent($"CUDA device {device.Ordinal}", true, $"{device.Name}, UUID {device.Uuid}"));
        return devices;
    }

    private static bool CheckLibraries(List<GpuComponent> components)
    {
        bool all = true;
        foreach (string library in CudaRuntimeLibraries)
        {
            bool found = NativeLibrary.TryLoad(library, out var handle);
            if (found) NativeLibrary.Free(handle);
            all &= found;
            components.Add(new GpuComponent(library, found, found ? "found" : "not found on the library path (see docs/gpu.md)"));
        }
        return all;
    }

    /// <summary>
    /// The zero-copy runner's provider options as ONNX Runtime reads them back: that it computes on
    /// the stream ClipLit made (has_user_compute_stream) with TF32 off. Optional: every run ends
    /// with a whole-context synchronize, so the host ordering holds on any stream; the line is
    /// there so that a GPU run shows which stream the provider really took.
    /// </summary>
    private static void CheckProviderStream(List<GpuComponent> components, Guid uuid)
    {
        const string name = "ONNX Runtime CUDA provider on ClipLit's stream (optional)";
        try
        {
            using var context = CudaContext.ForUuid(uuid);
            var settings = new CudaProviderSettings(context.Device.Ordinal, context.Stream, AllowTf32: false);
            using var options = settings.Create();
            var effective = CudaProviderSettings.Parse(options.GetOptions());
            string described = CudaProviderSettings.Describe(effective);
            components.Add(settings.Mismatch(effective) is { } mismatch
                ? new GpuComponent(name, false, $"{mismatch} ({described})", Required: false)
                : new GpuComponent(name, true, $"{described} (ClipLit's stream is {context.Stream})", Required: false));
        }
        catch (Exception e) when (EnhancerTensorsChoice.IsBrokenLink(e))
        {
            components.Add(new GpuComponent(name, false, e.Message, Required: false));
        }
    }

    private static bool CheckProvider(List<GpuComponent> components)
    {
        var factory = OrtSessionFactory.Create(ExecutionDevice.Auto, new OrtSessionSettings(1));
        bool ready = factory.Device == ExecutionDevice.Cuda;
        components.Add(new GpuComponent($"ONNX Runtime {OrtEnv.Instance().GetVersionString()} CUDA provider", ready, ready ? "starts" : factory.FallbackReason ?? "did not start"));
        return ready;
    }
}
