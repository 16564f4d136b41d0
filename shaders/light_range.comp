#version 450
// The bounds compose keeps an upsampled light map within, from the network's light map:
// lo = max(min * 0.5, 1e-3), hi = max(max(max, 0) * 1.5, 1e-3), NaN ignored (found by its bits:
// without float controls a driver may assume no NaNs and fold isnan away), lo never above hi
// (an all-NaN map; clamp with lo > hi is undefined). The guided filter's
// linear model can overshoot at strong edges, and a light map near zero would blow up the division.
// Computed here rather than on the host so the light map may live in device memory (the CUDA path).
// One work group strides over the map, then halves a shared array: no atomics, nothing to clear.
// Pass: src/Renderer/Passes/LightRangePass.cs.
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer LightMap { float light[]; };
layout(std430, binding = 1) writeonly buffer Range { float lo; float hi; } range;

layout(push_constant) uniform Push {
    uint count;
} pc;

shared float lows[256];
shared float highs[256];

void main() {
    uint t = gl_LocalInvocationID.x;
    float low = 3.4028235e38, high = 0.0;
    for (uint i = t; i < pc.count; i += 256u) {
        float v = light[i];
        if ((floatBitsToUint(v) & 0x7FFFFFFFu) > 0x7F800000u) continue; // NaN
        low = min(low, v);
        high = max(high, v);
    }
    lows[t] = low;
    highs[t] = high;
    memoryBarrierShared();
    barrier();
    for (uint stride = 128u; stride > 0u; stride >>= 1) {
        if (t < stride) {
            lows[t] = min(lows[t], lows[t + stride]);
            highs[t] = max(highs[t], highs[t + stride]);
        }
        memoryBarrierShared();
        barrier();
    }
    if (t == 0u) {
        float hi = max(highs[0] * 1.5, 1e-3);
        range.lo = min(max(lows[0] * 0.5, 1e-3), hi);
        range.hi = hi;
    }
}
