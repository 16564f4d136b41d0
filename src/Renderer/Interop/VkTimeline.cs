using ClipLit.Renderer.Vulkan;
using Silk.NET.Vulkan;
using Semaphore = Silk.NET.Vulkan.Semaphore;

namespace ClipLit.Renderer.Interop;

/// <summary>
/// A timeline semaphore: a counter that queue submissions and the host signal and wait on, the
/// way Vulkan and CUDA hand a shared buffer back and forth (Vulkan signals N when the input is
/// written, CUDA waits for N, runs the network, signals N+1; Vulkan waits for N+1 and composes).
/// Exportable as an opaque file descriptor where the device shares semaphores.
/// Thread-safety: Vulkan's: signal and wait from any thread. Ownership: owns the semaphore;
/// exported descriptors belong to the caller. Dispose destroys it (safe twice; the caller ensures no
/// submission still waits on or signals it); members throw ObjectDisposedException afterwards.
/// </summary>
public sealed unsafe class VkTimeline : IDisposable
{
    private const ExternalSemaphoreHandleTypeFlags OpaqueFd = ExternalSemaphoreHandleTypeFlags.OpaqueFDBit;
    private readonly VkComputeDevice _device;
    private bool _disposed;

    /// <param name="device">The device (created with VkDeviceOptions.ExternalMemory, which turns timeline semaphores on).</param>
    /// <param name="name">Names it in validation messages.</param>
    /// <param name="exportable">Allow <see cref="ExportDescriptor"/> (needs <see cref="VkComputeDevice.SharesSemaphores"/>).</param>
    public VkTimeline(VkComputeDevice device, string name, bool exportable = false)
    {
        if (!device.SharesMemory) throw new VulkanException($"{device.Name} was not created with timeline semaphores (VkDeviceOptions.ExternalMemory)");
        if (exportable && !device.SharesSemaphores)
            throw new VulkanException($"{device.Name} cannot export semaphores (no VK_KHR_external_semaphore_fd)");
        _device = device;
        var export = new ExportSemaphoreCreateInfo { SType = StructureType.ExportSemaphoreCreateInfo, HandleTypes = OpaqueFd };
        var type = new SemaphoreTypeCreateInfo
        {
            SType = StructureType.SemaphoreTypeCreateInfo,
            PNext = exportable ? &export : null,
            SemaphoreType = SemaphoreType.Timeline,
            InitialValue = 0,
        };
        var info = new SemaphoreCreateInfo { SType = StructureType.SemaphoreCreateInfo, PNext = &type };
        device.Vk.CreateSemaphore(device.Device, &info, null, out var semaphore).Check();
        Handle = semaphore;
        try
        {
            device.SetName(ObjectType.Semaphore, semaphore.Handle, name);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Semaphore Handle { get; }

    /// <summary>The counter's value now.</summary>
    public ulong Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ulong value;
            _device.Vk.GetSemaphoreCounterValue(_device.Device, Handle, &value).Check();
            return value;
        }
    }

    /// <summary>Sets the counter to <paramref name="value"/> from the host (it must grow).</summary>
    public void Signal(ulong value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var info = new SemaphoreSignalInfo { SType = StructureType.SemaphoreSignalInfo, Semaphore = Handle, Value = value };
        _device.Vk.SignalSemaphore(_device.Device, &info).Check();
    }

    /// <summary>Blocks until the counter reaches <paramref name="value"/>; false when <paramref name="timeout"/> passes first.</summary>
    public bool Wait(ulong value, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var semaphore = Handle;
        var info = new SemaphoreWaitInfo { SType = StructureType.SemaphoreWaitInfo, SemaphoreCount = 1, PSemaphores = &semaphore, PValues = &value };
        var result = _device.Vk.WaitSemaphores(_device.Device, &info, (ulong)Math.Max(0, timeout.Ticks) * 100);
        if (result == Result.Timeout) return false;
        result.Check();
        return true;
    }

    /// <summary>A new opaque file descriptor for the semaphore; the caller owns it.</summary>
    public int ExportDescriptor()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var get = (delegate* unmanaged[Cdecl]<Device, SemaphoreGetFdInfoKHR*, int*, Result>)_device.DeviceProcedure("vkGetSemaphoreFdKHR");
        if (get == null) throw new VulkanException("vkGetSemaphoreFdKHR is not available");
        var info = new SemaphoreGetFdInfoKHR { SType = StructureType.SemaphoreGetFDInfoKhr, Semaphore = Handle, HandleType = OpaqueFd };
        int descriptor;
        get(_device.Device, &info, &descriptor).Check();
        return descriptor;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _device.Vk.DestroySemaphore(_device.Device, Handle, null);
    }
}
