using ClipLit.Cli.CommandLine;
using ClipLit.Engine.Gpu;
using ClipLit.Renderer;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit doctor</c>: each link of the GPU chain, and where the enhancer will run.</summary>
public sealed class DoctorCommand : AppCommand
{
    public DoctorCommand(CliContext context) : base("doctor", "check the NVIDIA GPU path link by link and say where the enhancer runs")
    {
        Explain("Details", """
            Checks, in order, what running the enhancer on an NVIDIA GPU without copies needs: the
            NVIDIA driver (libcuda.so.1) and its CUDA devices, the CUDA 13 and cuDNN 9 libraries
            ONNX Runtime's CUDA provider links, that provider starting, a Vulkan device that exports
            memory (and, optionally, semaphores), and that CUDA and Vulkan see the same GPU (UUID).
            Prints each link's status and where '--device auto' will run the enhancer and keep its
            tensors, and why when not on CUDA without copies.
            docs/gpu.md says what to install.
            """);
        SetAction(_ => Run(context));
    }

    private static int Run(CliContext context)
    {
        var report = GpuReadiness.Check();
        foreach (var component in report.Components)
            context.Out.WriteLine($"{(component.Ready ? "[ok]     " : component.Required ? "[missing]" : "[absent] ")} {component.Name}: {component.Detail}");
        context.Out.WriteLine(report switch
        {
            { Residence: EnhancerResidence.CudaImported } => "enhancer: CUDA, tensors in Vulkan memory shared with CUDA (zero-copy)",
            { NetworkOnCuda: true } => $"enhancer: CUDA, tensors copied through host memory each frame; not zero-copy because {report.FallbackReason}",
            _ => $"enhancer: CPU, tensors in host-mapped Vulkan memory; not CUDA because {report.FallbackReason}",
        });
        context.Out.WriteLine($"frame stages: {FrameStagesLine(report)}");
        return ExitCodes.Success;
    }

    /// <summary>Where the per-pixel stages run and why: auto's choice, or what CLIPLIT_STAGES asks for.</summary>
    private static string FrameStagesLine(GpuReadiness.Report report)
    {
        FrameStages requested;
        try
        {
            requested = FrameStagesChoice.Requested();
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        bool onHost = report.Residence != EnhancerResidence.CudaImported;
        var stages = FrameStagesChoice.Resolve(requested, report.VulkanIsCpu, onHost);
        string why = requested switch
        {
            FrameStages.Auto when stages == FrameStages.Cpu => "the Vulkan device is a CPU, where the twins run several times faster",
            FrameStages.Auto => "the Vulkan device is a GPU",
            _ when stages != requested => $"{FrameStagesChoice.Variable} asks for the CPU twins, but the tensors live in CUDA's memory",
            _ => $"{FrameStagesChoice.Variable}={requested.ToString().ToLowerInvariant()}",
        };
        return $"{FrameStagesChoice.Describe(stages)} ({why}; {FrameStagesChoice.Variable}=auto|cpu|vulkan overrides)";
    }
}
