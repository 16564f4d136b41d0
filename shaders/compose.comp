#version 450
// Compose: out = floor(clamp(I / L, 0, 1) * 255 + 0.5) per RGB channel, alpha copied; I from the
// input frame (exact table), L the light map. 0/0 gives 0 (PyTorch's NaN becomes 0 in uint8).
// Pass: src/Renderer/Passes/ComposePass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Frame { uint rgba[]; };
layout(std430, binding = 1) readonly buffer Unit8 { float unit8[256]; };
layout(std430, binding = 2) readonly buffer LightMap { float light[]; };
layout(std430, binding = 3) writeonly buffer Output { uint outRgba[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
} pc;

uint quantize(float i, float l) {
    precise float v = i / l;
    if (isnan(v)) return 0u;
    v = clamp(v, 0.0, 1.0);
    // Two roundings (multiply, then add), as torchvision's mul(255).add_(0.5) does.
    precise float scaled = v * 255.0;
    precise float rounded = scaled + 0.5;
    return min(uint(rounded), 255u);
}

void main() {
    uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    uint i = p.y * pc.width + p.x;
    uint v = rgba[i];
    float l = light[i];
    uint r = quantize(unit8[v & 255u], l);
    uint g = quantize(unit8[(v >> 8) & 255u], l);
    uint b = quantize(unit8[(v >> 16) & 255u], l);
    outRgba[i] = r | (g << 8) | (b << 16) | (v & 0xFF000000u);
}
