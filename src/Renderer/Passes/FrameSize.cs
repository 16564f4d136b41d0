using System.Runtime.InteropServices;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Push constants of the per-pixel passes that only need the frame size; mirrors
/// <c>layout(push_constant) uniform Push { uint width; uint height; }</c> in their shaders.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct FrameSize(uint Width, uint Height)
{
    public int Pixels => checked((int)(Width * Height));
}
