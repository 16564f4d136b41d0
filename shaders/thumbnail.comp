#version 450
// A 32x18 grid of Rec. 709 luminance means over the network's planar RGB input, for scene-cut
// detection (src/Engine/TemporalSmoother.cs compares consecutive frames' grids). Pixel (x, y)
// belongs to cell (x * 32 / width, y * 18 / height), integer division, as the CPU reference
// (TemporalSmoother.Thumbnail) assigns it. One invocation per cell; its pixels are the columns
// ceil(cx * width / 32) .. ceil((cx + 1) * width / 32) - 1 and the rows likewise.
// Computed on the GPU so the host never reads the network's input (device memory on the CUDA path).
// Pass: src/Renderer/Passes/ThumbnailPass.cs.
layout(local_size_x = 32, local_size_y = 18) in;

layout(std430, binding = 0) readonly buffer Planar { float planar[]; };
layout(std430, binding = 1) writeonly buffer Thumbnail { float thumb[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
} pc;

void main() {
    uvec2 cell = gl_GlobalInvocationID.xy;
    if (cell.x >= 32u || cell.y >= 18u) return;
    uint x0 = (cell.x * pc.width + 31u) / 32u, x1 = ((cell.x + 1u) * pc.width + 31u) / 32u;
    uint y0 = (cell.y * pc.height + 17u) / 18u, y1 = ((cell.y + 1u) * pc.height + 17u) / 18u;
    uint n = pc.width * pc.height;
    float sum = 0.0;
    for (uint y = y0; y < y1; y++) {
        for (uint x = x0; x < x1; x++) {
            uint i = y * pc.width + x;
            sum += 0.2126 * planar[i] + 0.7152 * planar[n + i] + 0.0722 * planar[2u * n + i];
        }
    }
    uint count = (x1 - x0) * (y1 - y0);
    thumb[cell.y * 32u + cell.x] = count > 0u ? sum / float(count) : 0.0;
}
