#version 450
// A 32x18 grid of Rec. 709 luminance means over the network's planar RGB input, for scene-cut
// detection (src/Engine/TemporalSmoother.cs compares consecutive frames' grids). Pixel (x, y)
// belongs to cell (x * 32 / width, y * 18 / height), integer division, as the CPU reference
// (TemporalSmoother.Thumbnail) assigns it, so cell (cx, cy) holds the columns
// ceil(cx * width / 32) .. ceil((cx + 1) * width / 32) - 1 and the rows likewise.
// One work group per cell: its 64 invocations stride over the cell's pixels (neighbours read
// neighbouring memory), then halve a shared array. Computed on the GPU so the host never reads the
// network's input (device memory on the CUDA path). Pass: src/Renderer/Passes/ThumbnailPass.cs.
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Planar { float planar[]; };
layout(std430, binding = 1) writeonly buffer Thumbnail { float thumb[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
} pc;

shared float sums[64];

void main() {
    uvec2 cell = gl_WorkGroupID.xy;
    uint t = gl_LocalInvocationID.x;
    uint x0 = (cell.x * pc.width + 31u) / 32u, x1 = ((cell.x + 1u) * pc.width + 31u) / 32u;
    uint y0 = (cell.y * pc.height + 17u) / 18u, y1 = ((cell.y + 1u) * pc.height + 17u) / 18u;
    uint columns = x1 - x0, count = columns * (y1 - y0);
    uint n = pc.width * pc.height;
    float sum = 0.0;
    for (uint k = t; k < count; k += 64u) {
        uint i = (y0 + k / columns) * pc.width + x0 + k % columns;
        sum += 0.2126 * planar[i] + 0.7152 * planar[n + i] + 0.0722 * planar[2u * n + i];
    }
    sums[t] = sum;
    memoryBarrierShared();
    barrier();
    for (uint stride = 32u; stride > 0u; stride >>= 1) {
        if (t < stride) sums[t] += sums[t + stride];
        memoryBarrierShared();
        barrier();
    }
    if (t == 0u) thumb[cell.y * 32u + cell.x] = count > 0u ? sums[0] / float(count) : 0.0;
}
