#version 450
#extension GL_GOOGLE_include_directive : require
// Compose: out = floor(clamp(I / L, 0, 1) * M + 0.5) per RGB channel, alpha copied; I from the
// input frame (frame_pixels.glsl), L the light map, M = 255 or 65535 for 8 or 16 bits per channel
// (written in the input's layout). 0/0 gives 0 (PyTorch's NaN becomes 0 in uint8).
// The light map is either at the frame's size (lightMode 0, full quality) or at the network's
// smaller size, brought up per pixel here (1 bilinear, 2 edge-aware; light_upsample.glsl): one
// pass over the frame instead of two, which on CPU Vulkan (lavapipe) is most of the cost.
// Strength S (src/Renderer/CorrectionStrength.cs): L^S divides instead of L; 1 skips the power (the
// paper's output bit for bit), 0 divides by 1 (the input as it is).
// Split view (the live window's before|after): columns left of splitColumn keep the input as it
// is, with a 2-pixel white divider just left of it; 0 turns the split off.
// Pass: src/Renderer/Passes/ComposePass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Frame { uint rgba[]; };
layout(std430, binding = 1) readonly buffer Unit8 { float unit8[256]; };
layout(std430, binding = 2) readonly buffer LightMap { float light[]; };   // mode 0: W*H; 1: the small map; 2: mean a, mean b planes
layout(std430, binding = 3) writeonly buffer Output { uint outRgba[]; };
layout(std430, binding = 4) readonly buffer Range { float lo; float hi; } range;   // light_range.comp's bounds (fast quality)

layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint bitsPerChannel;
    uint splitColumn;
    uint smallWidth;
    uint smallHeight;
    uint lightMode;
    float strength;
} pc;

#include "frame_pixels.glsl"
#include "light_upsample.glsl"

uint quantize(float i, float l, float levels) {
    precise float v = i / l;
    if (isnan(v)) return 0u;
    v = clamp(v, 0.0, 1.0);
    // Two roundings (multiply, then add), as torchvision's mul(255).add_(0.5) does.
    precise float scaled = v * levels;
    precise float rounded = scaled + 0.5;
    return min(uint(rounded), uint(levels));
}

void main() {
    uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    uint i = p.y * pc.width + p.x;
    if (p.x < pc.splitColumn && pc.bitsPerChannel == 8u) {
        outRgba[i] = p.x + 2u >= pc.splitColumn ? 0xFFFFFFFFu : rgba[i];
        return;
    }
    vec3 c = frameRgb(i, pc.bitsPerChannel);
    float l = pc.lightMode == 0u ? light[i] : upsampledLight(p, c, pc.lightMode == 2u);
    if (pc.strength != 1.0) l = pc.strength == 0.0 ? 1.0 : (l > 0.0 ? pow(l, pc.strength) : l);
    if (pc.bitsPerChannel == 16u) {
        uint r = quantize(c.r, l, 65535.0), g = quantize(c.g, l, 65535.0), b = quantize(c.b, l, 65535.0);
        outRgba[2u * i] = r | (g << 16);
        outRgba[2u * i + 1u] = b | (rgba[2u * i + 1u] & 0xFFFF0000u);
    } else {
        uint r = quantize(c.r, l, 255.0), g = quantize(c.g, l, 255.0), b = quantize(c.b, l, 255.0);
        outRgba[i] = r | (g << 8) | (b << 16) | (rgba[i] & 0xFF000000u);
    }
}
