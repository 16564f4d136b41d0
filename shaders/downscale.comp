#version 450
#extension GL_GOOGLE_include_directive : require
// Fast-mode pre-process: RGBA frame (8 or 16 bits per channel, frame_pixels.glsl) -> planar float RGB at the network's size, each output pixel
// the mean of its source cell (cells as PyTorch's adaptive average pooling: floor(i*W/w) to
// ceil((i+1)*W/w)), plus a fourth plane with the cell's mean guidance value max(R, G, B) for the
// edge-aware upsampler. Pass: src/Renderer/Passes/DownscalePass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Frame { uint rgba[]; };
layout(std430, binding = 1) readonly buffer Unit8 { float unit8[256]; };
layout(std430, binding = 2) writeonly buffer Small { float planes[]; };

layout(push_constant) uniform Push {
    uint width;       // source
    uint height;
    uint smallWidth;  // destination
    uint smallHeight;
    uint bitsPerChannel;
} pc;

#include "frame_pixels.glsl"

void main() {
    uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.smallWidth || p.y >= pc.smallHeight) return;
    uint x0 = (p.x * pc.width) / pc.smallWidth;
    uint x1 = ((p.x + 1u) * pc.width + pc.smallWidth - 1u) / pc.smallWidth;
    uint y0 = (p.y * pc.height) / pc.smallHeight;
    uint y1 = ((p.y + 1u) * pc.height + pc.smallHeight - 1u) / pc.smallHeight;
    vec4 sum = vec4(0.0);
    for (uint y = y0; y < y1; y++) {
        for (uint x = x0; x < x1; x++) {
            vec3 c = frameRgb(y * pc.width + x, pc.bitsPerChannel);
            sum += vec4(c, max(c.r, max(c.g, c.b)));
        }
    }
    sum /= float((x1 - x0) * (y1 - y0));
    uint n = pc.smallWidth * pc.smallHeight;
    uint i = p.y * pc.smallWidth + p.x;
    planes[i] = sum.r;
    planes[n + i] = sum.g;
    planes[2u * n + i] = sum.b;
    planes[3u * n + i] = sum.a;
}
