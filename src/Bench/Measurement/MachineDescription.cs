using ClipLit.Core.Processes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Bench.Measurement;

/// <summary>
/// The machine a benchmark ran on, as its report names it: the CPU's model (/proc/cpuinfo) and
/// logical cores, the memory (/proc/meminfo), the Vulkan device the renderer picks, and the NVIDIA
/// GPUs nvidia-smi lists ("none" without it), so that a report never claims a machine it did not
/// run on.
/// Thread-safety: immutable.
/// </summary>
/// <param name="CpuModel">The CPU's model name, e.g. "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz"; "unknown CPU" when /proc does not say.</param>
/// <param name="LogicalCores">Logical cores this process may use.</param>
/// <param name="MemoryGiB">Memory in GiB; NaN when unknown.</param>
/// <param name="VulkanDevice">The Vulkan device's name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"; "none" when no device opens.</param>
/// <param name="Gpu">The NVIDIA GPUs with their memory, e.g. "NVIDIA H100 80GB HBM3 (81559 MiB)"; "none" without them.</param>
public sealed record MachineDescription(string CpuModel, int LogicalCores, double MemoryGiB, string VulkanDevice, string Gpu)
{
    /// <summary>What a machine without an NVIDIA GPU (or without a Vulkan device) has.</summary>
    public const string None = "none";

    /// <summary>The Vulkan device's name without the driver's details: "llvmpipe (LLVM 15.0.6, 256 bits)" is "llvmpipe".</summary>
    public string VulkanName => VulkanDevice.Split(" (", 2)[0];

    /// <summary>For a heading: "2-core CPU, Vulkan on llvmpipe", and the GPU where there is one.</summary>
    public string Brief => $"{LogicalCores}-core CPU, Vulkan on {VulkanName}" + (Gpu == None ? "" : $", {Gpu}");

    /// <summary>
    /// For a report's first line: "CPU: Intel(R) Xeon(R) ..., 2 logical cores, 8 GiB memory;
    /// Vulkan: llvmpipe (LLVM 15.0.6, 256 bits); GPU: none".
    /// </summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"CPU: {CpuModel}, {LogicalCores} logical cores, {MemoryGiB:F0} GiB memory; Vulkan: {VulkanDevice}; GPU: {Gpu}");

    /// <summary>This machine.</summary>
    /// <param name="vulkanDevice">The name of the Vulkan device the benchmark already opened; null: one is opened (without validation) to read it.</param>
    /// <param name="cancellation">Stops nvidia-smi.</param>
    public static MachineDescription Detect(string? vulkanDevice = null, CancellationToken cancellation = default) =>
        new(ReadCpuModel(), Environment.ProcessorCount, ReadMemoryGiB(), vulkanDevice ?? OpenVulkanDevice(), ReadGpus(cancellation));

    private static string ReadCpuModel()
    {
        try
        {
            // x86 says "model name"; some ARM kernels say only "Model" or "Hardware".
            foreach (string field in (string[])["model name", "Model", "Hardware"])
                if (File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal) && l.Contains(':')) is { } line
                    && line.Split(':', 2)[1].Trim() is { Length: > 0 } model)
                    return model;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc: not Linux, or a sandbox.
        }
        return "unknown CPU";
    }

    private static double ReadMemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return double.NaN;
        }
    }

    private static string OpenVulkanDevice()
    {
        try
        {
            // The device the benchmarks' sessions pick (VkDeviceOptions.Default), without validation: only its name is read.
            using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Off, null));
            return device.Name;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No loader, no driver, no device: whatever the reason, the report has none to name.
            return $"{None} ({e.Message.ReplaceLineEndings(" ").Trim()})";
        }
    }

    private static string ReadGpus(CancellationToken cancellation)
    {
        try
        {
            var run = BenchProcess.Run("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader"],
                new BenchProcessOptions(TimeSpan.FromSeconds(30)), cancellation);
            var gpus = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split(", ", 2) is [var name, var memory] ? $"{name} ({memory})" : line)
                .ToList();
            return run.ExitCode == 0 && gpus.Count > 0 ? string.Join("; ", gpus) : None;
        }
        catch (Exception e) when (e is ChildProgramException or TimeoutException)
        {
            // No nvidia-smi (no NVIDIA driver), or one that hangs: no GPU to name.
            return None;
        }
    }
}
