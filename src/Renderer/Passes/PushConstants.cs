using System.Runtime.InteropServices;

namespace ClipLit.Renderer.Passes;

// Mirrors of the shaders' push-constant blocks, field for field (a test compares them with the
// GLSL source). Each is std430: 4-byte scalars, no padding needed.

/// <summary>
/// shaders/downscale.comp push constants.
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct DownscalePush(uint Width, uint Height, uint SmallWidth, uint SmallHeight, uint BitsPerChannel);

/// <summary>
/// shaders/temporal.comp push constants.
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct TemporalPush(uint Count, float Weight);

/// <summary>
/// shaders/guided_coefficients.comp push constants.
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct GuidedCoefficientsPush(uint Width, uint Height, int Radius, float Epsilon);

/// <summary>
/// shaders/compose.comp push constants: the frame's format, the split view's column (0: no split),
/// where the light map comes from: <see cref="LightMode.FullSize"/>, or the network's size
/// (SmallWidth x SmallHeight) brought up per pixel and kept within the bounds shaders/light_range.comp found;
/// the correction's strength (<see cref="CorrectionStrength"/>), and the frame's noise model for the
/// gain-aware denoise (<see cref="GainAwareDenoise"/>, <see cref="NoiseModel"/>; both 0: off), and
/// what its history is to the frame (TemporalDenoise: <see cref="Renderer.TemporalDenoise"/>), which
/// half of the history buffer is read (HistoryFlip; the other is written) and the motion field it is
/// fetched through (DenoiseMotion 1: the frame's motion, MotionWidth x MotionHeight, MotionFactor
/// frame pixels a field pixel).
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ComposePush(uint Width, uint Height, uint BitsPerChannel, uint SplitColumn,
    uint SmallWidth = 0, uint SmallHeight = 0, LightMode LightMode = LightMode.FullSize, float Strength = CorrectionStrength.Paper, float NoiseA = 0f, float NoiseB = 0f,
    uint TemporalDenoise = 0, uint HistoryFlip = 0, uint DenoiseMotion = 0, uint MotionWidth = 1, uint MotionHeight = 1, uint MotionFactor = 1);

/// <summary>
/// How compose.comp reads its light map.
/// Thread-safety: a value; any thread.
/// </summary>
public enum LightMode : uint
{
    /// <summary>At the frame's size (full quality).</summary>
    FullSize = 0,

    /// <summary>At the network's size, interpolated bilinearly.</summary>
    Bilinear = 1,

    /// <summary>Guided-filter coefficients at the network's size, applied to the full-size frame.</summary>
    EdgeAware = 2,
}

/// <summary>
/// shaders/light_range.comp push constants: the light map's value count.
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct LightRangePush(uint Count);

/// <summary>
/// shaders/thumbnail.comp push constants: the planar input's size.
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ThumbnailPush(uint Width, uint Height);

/// <summary>
/// shaders/box_mean.comp push constants.
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BoxMeanPush(uint Width, uint Height, uint Planes, int Radius);

/// <summary>
/// shaders/reproject.comp push constants: the light map's size, the motion field's, the new map's
/// weight (0: none, the average only follows the motion), the clamp neighbourhood's radius, and
/// whether the new map is fetched through the map motion field (1: it belongs to an earlier frame).
/// Thread-safety: immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ReprojectPush(uint Width, uint Height, uint MotionWidth, uint MotionHeight, float Weight, int Radius, uint MapMoved = 0);
