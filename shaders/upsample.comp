#version 450
#extension GL_GOOGLE_include_directive : require
// Light map at the network's size -> full frame size. Mode 0, bilinear: the light map itself,
// interpolated (half-pixel centres, edges clamped). Mode 1, edge-aware (fast guided filter, step 3):
// the guided filter's window-averaged a and b (box_mean.comp), interpolated the same way, applied
// to the full-resolution guidance max(R, G, B): L = a*g + b, so light-map edges follow the frame's.
// The result is kept within [lo, hi] of the small light map. Pass: UpsamplePass.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Frame { uint rgba[]; };
layout(std430, binding = 1) readonly buffer Unit8 { float unit8[256]; };
layout(std430, binding = 2) readonly buffer Small { float small[]; };     // mode 0: light map; mode 1: mean a, mean b planes
layout(std430, binding = 3) writeonly buffer Full { float full[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint smallWidth;
    uint smallHeight;
    uint mode;
    float lo;
    float hi;
    uint bitsPerChannel;
} pc;

#include "frame_pixels.glsl"

float smallAt(uint plane, ivec2 q) {
    q = clamp(q, ivec2(0), ivec2(int(pc.smallWidth) - 1, int(pc.smallHeight) - 1));
    return small[plane * pc.smallWidth * pc.smallHeight + uint(q.y) * pc.smallWidth + uint(q.x)];
}

float bilinear(uint plane, uvec2 p) {
    vec2 src = (vec2(p) + 0.5) * vec2(float(pc.smallWidth) / float(pc.width), float(pc.smallHeight) / float(pc.height)) - 0.5;
    src = max(src, vec2(0.0));
    ivec2 i0 = ivec2(floor(src));
    vec2 f = src - vec2(i0);
    float v00 = smallAt(plane, i0), v10 = smallAt(plane, i0 + ivec2(1, 0));
    float v01 = smallAt(plane, i0 + ivec2(0, 1)), v11 = smallAt(plane, i0 + ivec2(1, 1));
    return mix(mix(v00, v10, f.x), mix(v01, v11, f.x), f.y);
}

void main() {
    uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    uint i = p.y * pc.width + p.x;
    float l;
    if (pc.mode == 0u) {
        l = bilinear(0u, p);
    } else {
        vec3 c = frameRgb(i, pc.bitsPerChannel);
        float g = max(c.r, max(c.g, c.b));
        l = bilinear(0u, p) * g + bilinear(1u, p);
    }
    full[i] = clamp(l, pc.lo, pc.hi);
}
