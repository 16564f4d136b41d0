namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// Whether the Khronos validation layer checks the device's use.
/// Thread-safety: a value; any thread.
/// </summary>
public enum VkValidation
{
    Off,

    /// <summary>On when the layer is installed (Debian: vulkan-validationlayers), else off.</summary>
    IfAvailable,

    /// <summary>On; creating the device fails when the layer is missing (tests).</summary>
    Required,
}

/// <summary>
/// How the Vulkan device is created.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Validation">
/// VK_LAYER_KHRONOS_validation, whose errors the device counts (tests assert none). Costs speed.
/// Default: <c>CLIPLIT_VULKAN_VALIDATION=1</c> requires it and <c>0</c> turns it off; otherwise it is
/// on in Debug builds when installed and off in Release builds.
/// </param>
/// <param name="PreferredDevice">Substring of the device name to prefer (e.g. "llvmpipe"); null picks a discrete GPU, then any.</param>
public sealed record VkDeviceOptions(VkValidation Validation, string? PreferredDevice)
{
    public static VkDeviceOptions Default { get; } = new(ValidationByDefault(), null);

    /// <summary>Extra instance extensions, e.g. the window system's surface extensions (GLFW names them).</summary>
    public IReadOnlyList<string> InstanceExtensions { get; init; } = [];

    /// <summary>Enable VK_KHR_swapchain on the device, so its queue can present to windows.</summary>
    public bool Presentation { get; init; }

    /// <summary>
    /// Enable memory export and import as POSIX file descriptors (VK_KHR_external_memory_fd), semaphore
    /// export where the driver has it (VK_KHR_external_semaphore_fd; Mesa's lavapipe 22.3 does not),
    /// and timeline semaphores: what sharing buffers with CUDA needs. Creating the device fails with
    /// a clear message when the device cannot export memory.
    /// </summary>
    public bool ExternalMemory { get; init; }

    private static VkValidation ValidationByDefault() => Environment.GetEnvironmentVariable("CLIPLIT_VULKAN_VALIDATION") switch
    {
        "1" => VkValidation.Required,
        "0" => VkValidation.Off,
#if DEBUG
        _ => VkValidation.IfAvailable,
#else
        _ => VkValidation.Off,
#endif
    };
}
