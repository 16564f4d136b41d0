#version 450
// Pre-process: RGBA8 frame -> planar float RGB in [0, 1], the network's NCHW input.
// Values come from the exact table (float)(v / 255.0) so results equal the paper's numpy
// conversion bit for bit. Pass: src/Renderer/Passes/UnpackPass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Frame { uint rgba[]; };
layout(std430, binding = 1) readonly buffer Unit8 { float unit8[256]; };
layout(std430, binding = 2) writeonly buffer Planar { float planar[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
} pc;

void main() {
    uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    uint n = pc.width * pc.height;
    uint i = p.y * pc.width + p.x;
    uint v = rgba[i];
    planar[i] = unit8[v & 255u];
    planar[n + i] = unit8[(v >> 8) & 255u];
    planar[2u * n + i] = unit8[(v >> 16) & 255u];
}
