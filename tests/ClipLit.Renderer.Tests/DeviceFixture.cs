using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Tests;

/// <summary>
/// One validated Vulkan device per test class: created with VK_LAYER_KHRONOS_validation, and every
/// test ends by asserting the layer reported no error.
/// </summary>
public abstract class DeviceFixture
{
    protected VkComputeDevice Device { get; private set; } = null!;

    [OneTimeSetUp]
    public void CreateDevice()
    {
        try
        {
            Device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, PreferredDevice: null));
        }
        catch (VulkanException e)
        {
            Assert.Ignore($"no usable Vulkan device with validation layers: {e.Message} (install mesa-vulkan-drivers and vulkan-validationlayers)");
        }
        TestContext.Out.WriteLine($"Vulkan device: {Device.Name} (CPU: {Device.IsCpu})");
    }

    [TearDown]
    public void NoValidationErrors() => Validation.AssertNoErrors(Device);

    [OneTimeTearDown]
    public void DisposeDevice() => Device?.Dispose();
}

/// <summary>The check every test on a validated device ends with.</summary>
internal static class Validation
{
    /// <summary>Prints what the layer reported on <paramref name="device"/> and asserts none of it was an error (nothing for no device).</summary>
    public static void AssertNoErrors(VkComputeDevice? device)
    {
        if (device is null) return;
        var messages = device.ValidationMessages;
        foreach (var message in messages) TestContext.Out.WriteLine(message);
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", messages));
    }
}
