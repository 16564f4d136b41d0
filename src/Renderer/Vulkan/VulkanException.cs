using System.Runtime.CompilerServices;
using Silk.NET.Vulkan;

namespace ClipLit.Renderer.Vulkan;

/// <summary>
/// A Vulkan call failed; the message names the call and the result code.
/// Thread-safety: immutable once thrown.
/// </summary>
public sealed class VulkanException(string message, Result result = Result.Success) : Exception(message)
{
    public Result Result { get; } = result;
}

/// <summary>
/// The one check at every Vulkan boundary: throws a <see cref="VulkanException"/> naming the call
/// (its source text) unless it succeeded. Always on, also in release builds.
/// Thread-safety: stateless; any thread.
/// </summary>
public static class VkCheck
{
    public static void Check(this Result result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != Result.Success) throw new VulkanException($"Vulkan call failed with {result}: {call}", result);
    }
}
