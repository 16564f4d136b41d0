#version 450
#extension GL_GOOGLE_include_directive : require
// Pre-process: RGBA frame (8 or 16 bits per channel) -> planar float RGB in [0, 1], the network's
// NCHW input (values as frame_pixels.glsl says). Pass: src/Renderer/Passes/UnpackPass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Frame { uint rgba[]; };
layout(std430, binding = 1) readonly buffer Unit8 { float unit8[256]; };
layout(std430, binding = 2) writeonly buffer Planar { float planar[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint bitsPerChannel;
} pc;
#include "frame_pixels.glsl"

void main() {
    uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    uint n = pc.width * pc.height;
    uint i = p.y * pc.width + p.x;
    vec3 c = frameRgb(i, pc.bitsPerChannel);
    planar[i] = c.r;
    planar[n + i] = c.g;
    planar[2u * n + i] = c.b;
}
