namespace ClipLit.Renderer.Vulkan;

/// <summary>How the Vulkan device is created.</summary>
/// <param name="Validation">
/// Enable VK_LAYER_KHRONOS_validation and count its errors (tests assert none). Costs speed.
/// Default: on when <c>CLIPLIT_VULKAN_VALIDATION=1</c>, else off.
/// </param>
/// <param name="PreferredDevice">Substring of the device name to prefer (e.g. "llvmpipe"); null picks a discrete GPU, then any.</param>
public sealed record VkDeviceOptions(bool Validation, string? PreferredDevice)
{
    public static VkDeviceOptions Default { get; } = new(Environment.GetEnvironmentVariable("CLIPLIT_VULKAN_VALIDATION") == "1", null);
}
