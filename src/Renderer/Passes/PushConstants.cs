using System.Runtime.InteropServices;

namespace ClipLit.Renderer.Passes;

// Mirrors of the shaders' push-constant blocks, field for field (a test compares them with the
// GLSL source). Each is std430: 4-byte scalars, no padding needed.

/// <summary>shaders/downscale.comp push constants.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct DownscalePush(uint Width, uint Height, uint SmallWidth, uint SmallHeight, uint BitsPerChannel);

/// <summary>shaders/temporal.comp push constants.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct TemporalPush(uint Count, float Weight);

/// <summary>shaders/guided_coefficients.comp push constants.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct GuidedCoefficientsPush(uint Width, uint Height, int Radius, float Epsilon);

/// <summary>shaders/upsample.comp push constants.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct UpsamplePush(uint Width, uint Height, uint SmallWidth, uint SmallHeight, uint Mode, float Lo, float Hi, uint BitsPerChannel);

/// <summary>shaders/compose.comp push constants: the frame's format, and the split view's column (0: no split).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ComposePush(uint Width, uint Height, uint BitsPerChannel, uint SplitColumn);

/// <summary>shaders/box_mean.comp push constants.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BoxMeanPush(uint Width, uint Height, uint Planes, int Radius);
