using System.Runtime.InteropServices;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// Push constants of the per-pixel passes that only need the frame's size and pixel format (8 or
/// 16 bits per channel, see shaders/frame_pixels.glsl); mirrors
/// <c>layout(push_constant) uniform Push { uint width; uint height; uint bitsPerChannel; }</c> in their shaders.
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct FrameFormat(uint Width, uint Height, uint BitsPerChannel)
{
    public int Pixels => checked((int)(Width * Height));
}
