#version 450
// Edge-aware upsampling, step 2 (fast guided filter), at the network's size: each of the planes
// averaged over its (2r+1)^2 window (clipped at the borders), as the guided filter averages a and
// b before applying them. Pass: src/Renderer/Passes/BoxMeanPass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Source { float source[]; };
layout(std430, binding = 1) writeonly buffer Target { float target[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint planes;
    int radius;
} pc;

void main() {
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= int(pc.width) || p.y >= int(pc.height)) return;
    uint n = pc.width * pc.height;
    for (uint plane = 0u; plane < pc.planes; plane++) {
        float sum = 0.0, count = 0.0;
        for (int dy = -pc.radius; dy <= pc.radius; dy++) {
            for (int dx = -pc.radius; dx <= pc.radius; dx++) {
                ivec2 q = p + ivec2(dx, dy);
                if (q.x < 0 || q.y < 0 || q.x >= int(pc.width) || q.y >= int(pc.height)) continue;
                sum += source[plane * n + uint(q.y) * pc.width + uint(q.x)];
                count += 1.0;
            }
        }
        target[plane * n + uint(p.y) * pc.width + uint(p.x)] = sum / count;
    }
}
