using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Silk.NET.Core;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// A headless Vulkan device for compute: instance (with validation when asked), the chosen
/// physical device (a GPU, or Mesa's lavapipe on machines without one) and a logical device with
/// one compute queue. Validation messages are collected; errors are counted.
/// Thread-safety: object creation is thread-safe; queue submission goes through
/// <see cref="VkCommandRecorder"/> (and presentation), which serialize access to the queue.
/// Ownership: owns every handle it creates; Dispose waits for the queue and destroys them (safe twice).
/// </summary>
public sealed unsafe class VkComputeDevice : IDisposable
{
    private const string ValidationLayer = "VK_LAYER_KHRONOS_validation";
    private const string ExternalMemoryFd = "VK_KHR_external_memory_fd";
    private const string ExternalSemaphoreFd = "VK_KHR_external_semaphore_fd";
    private static readonly ConcurrentDictionary<nint, VkComputeDevice> MessengerOwners = new();

    private readonly object _queueLock = new();
    private readonly List<string> _validationMessages = [];
    private readonly delegate* unmanaged[Cdecl]<Device, DebugUtilsObjectNameInfoEXT*, Result> _setObjectName;
    private readonly nint _messengerId;
    private readonly DebugUtilsMessengerEXT _messenger;
    private readonly Instance _instance;
    private readonly Device _device;
    private bool _disposed;

    public VkComputeDevice(VkDeviceOptions options)
    {
        Vk = Vk.GetApi();
        ValidationEnabled = options.Validation != VkValidation.Off && LayerAvailable(ValidationLayer);
        if (options.Validation == VkValidation.Required && !ValidationEnabled)
            throw new VulkanException($"{ValidationLayer} is not installed (Debian: vulkan-validationlayers)");
        try
        {
            _instance = CreateInstance(ValidationEnabled, options.InstanceExtensions);
            if (ValidationEnabled)
            {
                _messengerId = (nint)Interlocked.Increment(ref _nextMessengerId);
                MessengerOwners[_messengerId] = this;
                _messenger = CreateMessenger(_messengerId);
            }
            PhysicalDevice = ChoosePhysicalDevice(options.PreferredDevice, out var properties, out uint queueFamily);
            Properties = properties;
            QueueFamily = queueFamily;
            Name = SilkMarshal.PtrToString((nint)properties.DeviceName) ?? "unknown";
            IsCpu = properties.DeviceType == PhysicalDeviceType.Cpu;
            Uuid = DeviceUuid(PhysicalDevice);
            if (options.ExternalMemory && !DeviceExtensionAvailable(PhysicalDevice, ExternalMemoryFd))
                throw new VulkanException($"{Name} cannot share memory: {ExternalMemoryFd} is missing");
            SharesSemaphores = options.ExternalMemory && DeviceExtensionAvailable(PhysicalDevice, ExternalSemaphoreFd);
            SharesMemory = options.ExternalMemory;
            _device = CreateDevice(PhysicalDevice, queueFamily, options.Presentation, options.ExternalMemory, SharesSemaphores);
            Vk.GetDeviceQueue(_device, queueFamily, 0, out var queue);
            Queue = queue;
            _setObjectName = ValidationEnabled
                ? (delegate* unmanaged[Cdecl]<Device, DebugUtilsObjectNameInfoEXT*, Result>)InstanceProcedure("vkSetDebugUtilsObjectNameEXT")
                : null;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static long _nextMessengerId;
    private long _externalAcquires;
    private long _externalReleases;
    private long _submissions;

    public Vk Vk { get; }

    public PhysicalDevice PhysicalDevice { get; }

    public PhysicalDeviceProperties Properties { get; }

    public uint QueueFamily { get; }

    public Queue Queue { get; }

    /// <summary>The device's name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".</summary>
    public string Name { get; }

    /// <summary>The device is a CPU implementation (lavapipe): its memory is host memory.</summary>
    public bool IsCpu { get; }

    public bool ValidationEnabled { get; }

    /// <summary>The physical device's UUID (VkPhysicalDeviceIDProperties), which CUDA reports for the same GPU.</summary>
    public Guid Uuid { get; }

    /// <summary>Memory can be exported and imported as file descriptors (asked for with <see cref="VkDeviceOptions.ExternalMemory"/>).</summary>
    public bool SharesMemory { get; }

    /// <summary>Semaphores can be exported and imported as file descriptors (asked for, and the driver has VK_KHR_external_semaphore_fd).</summary>
    public bool SharesSemaphores { get; }

    public Device Device => _disposed ? throw new ObjectDisposedException(nameof(VkComputeDevice)) : _device;

    /// <summary>The instance (window surfaces are created on it).</summary>
    internal Instance Instance => _instance;

    /// <summary>Validation errors reported so far (warnings are kept in <see cref="ValidationMessages"/> only).</summary>
    public int ValidationErrorCount { get; private set; }

    public IReadOnlyList<string> ValidationMessages
    {
        get
        {
            lock (_validationMessages) return _validationMessages.ToArray();
        }
    }

    /// <summary>
    /// Buffer barriers recorded on this device so far that take shared memory from
    /// VK_QUEUE_FAMILY_EXTERNAL (<see cref="VkCommandRecorder.AcquireFromExternal"/>): with
    /// <see cref="ExternalReleases"/>, what shows that every handoff to CUDA has its ownership transfers.
    /// </summary>
    public long ExternalAcquires => Interlocked.Read(ref _externalAcquires);

    /// <summary>Buffer barriers recorded on this device so far that hand shared memory to VK_QUEUE_FAMILY_EXTERNAL (<see cref="VkCommandRecorder.ReleaseToExternal"/>).</summary>
    public long ExternalReleases => Interlocked.Read(ref _externalReleases);

    /// <summary>Queue submissions on this device so far (each one a wait somewhere): what shows how many a frame takes.</summary>
    public long Submissions => Interlocked.Read(ref _submissions);

    /// <summary>Clears the collected validation messages and the error count (tests that provoke errors on purpose).</summary>
    public void ForgetValidationMessages()
    {
        lock (_validationMessages)
        {
            _validationMessages.Clear();
            ValidationErrorCount = 0;
        }
    }

    /// <summary>Counts ownership transfers a recorder recorded (recorders on any thread).</summary>
    internal void CountOwnershipTransfers(bool acquire, int buffers)
    {
        if (acquire) Interlocked.Add(ref _externalAcquires, buffers);
        else Interlocked.Add(ref _externalReleases, buffers);
    }

    /// <summary>Gives a Vulkan object a name that validation messages and debuggers show.</summary>
    public void SetName(ObjectType type, ulong handle, string name)
    {
        if (_setObjectName == null) return;
        nint text = SilkMarshal.StringToPtr(name);
        try
        {
            var info = new DebugUtilsObjectNameInfoEXT
            {
                SType = StructureType.DebugUtilsObjectNameInfoExt,
                ObjectType = type,
                ObjectHandle = handle,
                PObjectName = (byte*)text,
            };
            _setObjectName(_device, &info).Check();
        }
        finally
        {
            SilkMarshal.Free(text);
        }
    }

    /// <summary>
    /// A storage buffer that copies can read and write (what every frame and tensor buffer is);
    /// <paramref name="next"/> extends the create info (external memory). The caller owns it.
    /// </summary>
    internal Silk.NET.Vulkan.Buffer CreateStorageBuffer(ulong size, void* next = null)
    {
        var info = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            PNext = next,
            Size = size,
            Usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
            SharingMode = SharingMode.Exclusive,
        };
        Vk.CreateBuffer(Device, &info, null, out var buffer).Check();
        return buffer;
    }

    /// <summary>Index of a memory type allowed by <paramref name="typeBits"/> with all of <paramref name="required"/>.</summary>
    public uint FindMemoryType(uint typeBits, MemoryPropertyFlags required)
    {
        Vk.GetPhysicalDeviceMemoryProperties(PhysicalDevice, out var memory);
        for (uint i = 0; i < memory.MemoryTypeCount; i++)
            if ((typeBits & (1u << (int)i)) != 0 && (memory.MemoryTypes[(int)i].PropertyFlags & required) == required)
                return i;
        throw new VulkanException($"{Name} has no memory type with {required}");
    }

    /// <summary>Submits (the recorder's one way onto the queue); <paramref name="fence"/> signals when it completes.</summary>
    internal void Submit(SubmitInfo* submit, Fence fence)
    {
        lock (_queueLock) Vk.QueueSubmit(Queue, 1, submit, fence).Check();
        Interlocked.Increment(ref _submissions);
    }

    /// <summary>Presents through the queue (which submissions share, so under the same lock); returns the result, which may be out-of-date.</summary>
    internal Result Present(delegate* unmanaged[Cdecl]<Queue, PresentInfoKHR*, Result> present, PresentInfoKHR* info)
    {
        lock (_queueLock) return present(Queue, info);
    }

    /// <summary>
    /// Blocks until the queue has finished all its work, presentation included, which no fence
    /// covers. For tearing down, not the running loop: it also waits for other threads' submissions.
    /// Returns the result (a lost device is no reason for a Dispose not to free the rest).
    /// </summary>
    internal Result WaitForQueue()
    {
        lock (_queueLock) return Vk.QueueWaitIdle(Queue);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_device.Handle != 0)
        {
            lock (_queueLock) Vk.DeviceWaitIdle(_device);
            Vk.DestroyDevice(_device, null);
        }
        if (_messenger.Handle != 0)
        {
            var destroy = (delegate* unmanaged[Cdecl]<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
                InstanceProcedure("vkDestroyDebugUtilsMessengerEXT");
            destroy(_instance, _messenger, null);
        }
        MessengerOwners.TryRemove(_messengerId, out _);
        if (_instance.Handle != 0) Vk.DestroyInstance(_instance, null);
        Vk.Dispose();
    }

    /// <summary>An instance-level entry point by name (extensions Silk.NET does not bind here); null if absent.</summary>
    internal void* InstanceProcedure(string name) => (void*)Vk.GetInstanceProcAddr(_instance, name).Handle;

    /// <summary>A device-level entry point by name (extensions Silk.NET does not bind here); null if absent.</summary>
    internal void* DeviceProcedure(string name) => (void*)Vk.GetDeviceProcAddr(_device, name).Handle;

    private bool LayerAvailable(string name)
    {
        uint count = 0;
        Vk.EnumerateInstanceLayerProperties(ref count, null).Check();
        var layers = new LayerProperties[count];
        fixed (LayerProperties* p = layers) Vk.EnumerateInstanceLayerProperties(ref count, p).Check();
        foreach (var layer in layers)
            if (SilkMarshal.PtrToString((nint)layer.LayerName) == name) return true;
        return false;
    }

    private Instance CreateInstance(bool validation, IReadOnlyList<string> extraExtensions)
    {
        nint appName = SilkMarshal.StringToPtr("ClipLit");
        var layers = validation ? new[] { ValidationLayer } : [];
        var extensions = (validation ? new[] { "VK_EXT_debug_utils" } : []).Concat(extraExtensions).Distinct().ToArray();
        nint layerNames = SilkMarshal.StringArrayToPtr(layers);
        nint extensionNames = SilkMarshal.StringArrayToPtr(extensions);
        try
        {
            var app = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo,
                PApplicationName = (byte*)appName,
                PEngineName = (byte*)appName,
                ApiVersion = Vk.Version12,
            };
            var info = new InstanceCreateInfo
            {
                SType = StructureType.InstanceCreateInfo,
                PApplicationInfo = &app,
                EnabledLayerCount = (uint)layers.Length,
                PpEnabledLayerNames = (byte**)layerNames,
                EnabledExtensionCount = (uint)extensions.Length,
                PpEnabledExtensionNames = (byte**)extensionNames,
            };
            Vk.CreateInstance(&info, null, out var instance).Check();
            return instance;
        }
        finally
        {
            SilkMarshal.Free(appName);
            SilkMarshal.Free(layerNames);
            SilkMarshal.Free(extensionNames);
        }
    }

    private DebugUtilsMessengerEXT CreateMessenger(nint id)
    {
        var create = (delegate* unmanaged[Cdecl]<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            InstanceProcedure("vkCreateDebugUtilsMessengerEXT");
        if (create == null) throw new VulkanException("vkCreateDebugUtilsMessengerEXT is not available");
        var info = new DebugUtilsMessengerCreateInfoEXT
        {
            SType = StructureType.DebugUtilsMessengerCreateInfoExt,
            MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
            MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
            PfnUserCallback = (delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, Bool32>)&OnValidationMessage,
            PUserData = (void*)id,
        };
        DebugUtilsMessengerEXT messenger;
        create(_instance, &info, null, &messenger).Check();
        return messenger;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static Bool32 OnValidationMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT type,
        DebugUtilsMessengerCallbackDataEXT* data, void* userData)
    {
        if (MessengerOwners.TryGetValue((nint)userData, out var owner))
        {
            string text = $"{severity}: {SilkMarshal.PtrToString((nint)data->PMessage)}";
            lock (owner._validationMessages)
            {
                owner._validationMessages.Add(text);
                if (severity.HasFlag(DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt)) owner.ValidationErrorCount++;
            }
        }
        return Vk.False;
    }

    private PhysicalDevice ChoosePhysicalDevice(string? preferred, out PhysicalDeviceProperties chosenProperties, out uint chosenFamily)
    {
        uint count = 0;
        Vk.EnumeratePhysicalDevices(_instance, ref count, null).Check();
        if (count == 0) throw new VulkanException("no Vulkan device (install mesa-vulkan-drivers for the CPU device, lavapipe)");
        var devices = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = devices) Vk.EnumeratePhysicalDevices(_instance, ref count, p).Check();

        var candidates = new List<(PhysicalDevice Device, PhysicalDeviceProperties Properties, uint Family, int Score)>();
        foreach (var device in devices)
        {
            Vk.GetPhysicalDeviceProperties(device, out var properties);
            uint? family = ComputeFamily(device);
            if (family is null) continue;
            string name = SilkMarshal.PtrToString((nint)properties.DeviceName) ?? "";
            int score = properties.DeviceType switch
            {
                PhysicalDeviceType.DiscreteGpu => 3,
                PhysicalDeviceType.IntegratedGpu => 2,
                PhysicalDeviceType.Cpu => 1,
                _ => 0,
            };
            if (preferred is not null && name.Contains(preferred, StringComparison.OrdinalIgnoreCase)) score += 10;
            candidates.Add((device, properties, family.Value, score));
        }
        if (candidates.Count == 0) throw new VulkanException("no Vulkan device with a compute queue");
        var best = candidates.MaxBy(c => c.Score);
        chosenProperties = best.Properties;
        chosenFamily = best.Family;
        return best.Device;
    }

    private uint? ComputeFamily(PhysicalDevice device)
    {
        uint count = 0;
        Vk.GetPhysicalDeviceQueueFamilyProperties(device, ref count, null);
        var families = new QueueFamilyProperties[count];
        fixed (QueueFamilyProperties* p = families) Vk.GetPhysicalDeviceQueueFamilyProperties(device, ref count, p);
        for (uint i = 0; i < count; i++)
            if (families[i].QueueFlags.HasFlag(QueueFlags.ComputeBit)) return i;
        return null;
    }

    private Guid DeviceUuid(PhysicalDevice device)
    {
        var id = new PhysicalDeviceIDProperties { SType = StructureType.PhysicalDeviceIDProperties };
        var properties = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &id };
        Vk.GetPhysicalDeviceProperties2(device, &properties);
        return new Guid(new ReadOnlySpan<byte>(id.DeviceUuid, 16), bigEndian: true);
    }

    private bool DeviceExtensionAvailable(PhysicalDevice device, string name)
    {
        uint count = 0;
        Vk.EnumerateDeviceExtensionProperties(device, (byte*)null, ref count, null).Check();
        var extensions = new ExtensionProperties[count];
        fixed (ExtensionProperties* p = extensions) Vk.EnumerateDeviceExtensionProperties(device, (byte*)null, ref count, p).Check();
        return extensions.Any(e => SilkMarshal.PtrToString((nint)e.ExtensionName) == name);
    }

    private Device CreateDevice(PhysicalDevice physicalDevice, uint family, bool presentation, bool externalMemory, bool externalSemaphores)
    {
        var extensions = new List<string>();
        if (presentation) extensions.Add("VK_KHR_swapchain");
        if (externalMemory) extensions.Add(ExternalMemoryFd);
        if (externalSemaphores) extensions.Add(ExternalSemaphoreFd);
        nint extensionNames = SilkMarshal.StringArrayToPtr(extensions.ToArray());
        // Timeline semaphores (core in Vulkan 1.2) order work between Vulkan and CUDA.
        var vulkan12 = new PhysicalDeviceVulkan12Features { SType = StructureType.PhysicalDeviceVulkan12Features, TimelineSemaphore = externalMemory };
        float priority = 1f;
        var queueInfo = new DeviceQueueCreateInfo
        {
            SType = StructureType.DeviceQueueCreateInfo,
            QueueFamilyIndex = family,
            QueueCount = 1,
            PQueuePriorities = &priority,
        };
        var info = new DeviceCreateInfo
        {
            SType = StructureType.DeviceCreateInfo,
            PNext = externalMemory ? &vulkan12 : null,
            QueueCreateInfoCount = 1,
            PQueueCreateInfos = &queueInfo,
            EnabledExtensionCount = (uint)extensions.Count,
            PpEnabledExtensionNames = (byte**)extensionNames,
        };
        try
        {
            Vk.CreateDevice(physicalDevice, &info, null, out var device).Check();
            return device;
        }
        finally
        {
            SilkMarshal.Free(extensionNames);
        }
    }
}
