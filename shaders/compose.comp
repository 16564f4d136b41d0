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
// Gain-aware denoise (src/Renderer/GainAwareDenoise.cs): the frame's noise σ² = noiseA·Y + noiseB
// (both 0: off); where σ/l, the noise the gain 1/l shows, passes a level, the pixel blends towards a
// 3x3 luma-weighted average. Only in the pipeline whose specialization constant `variant` is 1
// (ComposePass.Denoising): compiled into the plain one, unused, it made lavapipe's compose 2x slower.
// Over time, in that variant: the denoised pixel blends with the history (the previous frame's
// denoised input at 16 bits a channel whatever the frame's depth, so that the shader and the CPU
// twin, rounding a last bit apart, stay a fraction of a level apart once the gain multiplies it:
// W*H words R | G << 16, then W*H words B), fetched where the pixel was in the previous frame
// (the frame's motion field, denoiseMotion 1; the nearest frame pixel), by temporalWeight * mix * w,
// w falling to 0 at a luma difference of temporalRange sigma (motion the field missed, not noise).
// temporalDenoise: 0 a new picture (no history), 1 the frame before, 2 this same frame again (its
// denoised input is the history as it is). Every pixel's denoised input becomes the next history
// (the split view's columns: the input): two halves of the buffer, read one and write the other
// (historyFlip), so no pixel reads what another has already overwritten.
// Split view (the live window's before|after): columns left of splitColumn keep the input as it
// is, with a 2-pixel white divider just left of it; 0 turns the split off.
// Pass: src/Renderer/Passes/ComposePass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(constant_id = 0) const uint variant = 0u;
const bool denoising = variant == 1u;

layout(std430, binding = 0) readonly buffer Frame { uint rgba[]; };
layout(std430, binding = 1) readonly buffer Unit8 { float unit8[256]; };
layout(std430, binding = 2) readonly buffer LightMap { float light[]; };   // mode 0: W*H; 1: the small map; 2: mean a, mean b planes
layout(std430, binding = 3) writeonly buffer Output { uint outRgba[]; };
layout(std430, binding = 4) readonly buffer Range { float lo; float hi; } range;   // light_range.comp's bounds (fast quality)
layout(std430, binding = 5) buffer DenoiseHistory { uint history[]; };   // the denoise variant's: two halves of 2*W*H words
layout(std430, binding = 6) readonly buffer Motion { float motion[]; };   // the frame's motion field (dx, dy per field pixel), where denoiseMotion is 1

layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint bitsPerChannel;
    uint splitColumn;
    uint smallWidth;
    uint smallHeight;
    uint lightMode;
    float strength;
    float noiseA;
    float noiseB;
    uint temporalDenoise;
    uint historyFlip;
    uint denoiseMotion;
    uint motionWidth;
    uint motionHeight;
    uint motionFactor;
} pc;

#include "frame_pixels.glsl"
#include "light_upsample.glsl"

const float denoiseTolerance = 2.0 / 255.0; // GainAwareDenoise.Tolerance: two 8-bit levels
const float denoiseRange = 1.5;
const float temporalWeight = 0.75;
const float temporalRange = 1.5;

float lumaOf(vec3 c) {
    precise float y = 0.25 * c.r + 0.5 * c.g + 0.25 * c.b;
    return y;
}

float noiseSigma(float y) {
    precise float variance = pc.noiseA * y + pc.noiseB;
    return sqrt(max(variance, 0.0));
}

// How much of the denoised pixel to take: 0 up to two levels of noise shown, 1 from four.
float denoiseMix(float l, float sigma) {
    if (!(l > 0.0)) return 0.0;
    precise float shown = sigma / (l * denoiseTolerance);
    return clamp(shown - 1.0, 0.0, 1.0);
}

// The 3x3 neighbours (edges clamped) weighted by 1 - (luma difference / (2.5 sigma))^2, at least 0.
vec3 denoised(uvec2 p, vec3 c, float sigma) {
    precise float h = denoiseRange * sigma;
    precise float y0 = lumaOf(c);
    precise vec3 sum = vec3(0.0);
    precise float weights = 0.0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            ivec2 q = clamp(ivec2(p) + ivec2(dx, dy), ivec2(0), ivec2(int(pc.width) - 1, int(pc.height) - 1));
            vec3 n = frameRgb(uint(q.y) * pc.width + uint(q.x), pc.bitsPerChannel);
            precise float d = (lumaOf(n) - y0) / h;
            precise float w = max(1.0 - d * d, 0.0);
            sum += w * n;
            weights += w;
        }
    return sum / weights;
}

// The history's halves: read one (the last frame's), write the other.
uint historyRead() { return pc.historyFlip * 2u * pc.width * pc.height; }
uint historyWrite() { return (1u - pc.historyFlip) * 2u * pc.width * pc.height; }

vec3 historyRgb(uint i) {
    uint rg = history[historyRead() + i];
    uint b = history[historyRead() + pc.width * pc.height + i];
    return vec3(float(rg & 0xFFFFu), float(rg >> 16), float(b)) / 65535.0;
}

// Where pixel p was in the previous frame: its motion field pixel's vector, in frame pixels, rounded.
uint historyPixel(uvec2 p) {
    if (pc.denoiseMotion == 0u) return p.y * pc.width + p.x;
    uint mx = min(p.x / pc.motionFactor, pc.motionWidth - 1u), my = min(p.y / pc.motionFactor, pc.motionHeight - 1u);
    uint cell = 2u * (my * pc.motionWidth + mx);
    precise float dx = motion[cell] * float(pc.motionFactor) + 0.5;
    precise float dy = motion[cell + 1u] * float(pc.motionFactor) + 0.5;
    int x = clamp(int(p.x) + int(floor(dx)), 0, int(pc.width) - 1);
    int y = clamp(int(p.y) + int(floor(dy)), 0, int(pc.height) - 1);
    return uint(y) * pc.width + uint(x);
}

void keepInHistory(uint i, vec3 c);

// The history's part in a denoised pixel: none where the lumas differ by temporalRange sigma or more.
vec3 withHistory(vec3 c, vec3 h, float m, float sigma) {
    precise float d = (lumaOf(c) - lumaOf(h)) / (temporalRange * sigma);
    precise float w = max(1.0 - d * d, 0.0);
    precise float k = temporalWeight * m * w;
    precise vec3 blended = c + k * (h - c);
    return blended;
}

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
    bool denoise = denoising && (pc.noiseA > 0.0 || pc.noiseB > 0.0);
    if (p.x < pc.splitColumn && pc.bitsPerChannel == 8u) {
        outRgba[i] = p.x + 2u >= pc.splitColumn ? 0xFFFFFFFFu : rgba[i];
        if (denoise) keepInHistory(i, frameRgb(i, 8u));
        return;
    }
    vec3 c = frameRgb(i, pc.bitsPerChannel);
    float l = pc.lightMode == 0u ? light[i] : upsampledLight(p, c, pc.lightMode == 2u);
    if (pc.strength != 1.0) l = pc.strength == 0.0 ? 1.0 : (l > 0.0 ? pow(l, pc.strength) : l);
    if (denoise && pc.temporalDenoise == 2u) {
        c = historyRgb(i);
        keepInHistory(i, c);
    } else if (denoise) {
        float sigma = noiseSigma(lumaOf(c));
        float m = denoiseMix(l, sigma);
        if (m > 0.0) {
            precise vec3 blended = c + m * (denoised(p, c, sigma) - c);
            c = blended;
            if (pc.temporalDenoise == 1u) c = withHistory(c, historyRgb(historyPixel(p)), m, sigma);
        }
        keepInHistory(i, c);
    }
    if (pc.bitsPerChannel == 16u) {
        uint r = quantize(c.r, l, 65535.0), g = quantize(c.g, l, 65535.0), b = quantize(c.b, l, 65535.0);
        outRgba[2u * i] = r | (g << 16);
        outRgba[2u * i + 1u] = b | (rgba[2u * i + 1u] & 0xFFFF0000u);
    } else {
        uint r = quantize(c.r, l, 255.0), g = quantize(c.g, l, 255.0), b = quantize(c.b, l, 255.0);
        outRgba[i] = r | (g << 8) | (b << 16) | (rgba[i] & 0xFF000000u);
    }
}

void keepInHistory(uint i, vec3 c) {
    history[historyWrite() + i] = quantize(c.r, 1.0, 65535.0) | (quantize(c.g, 1.0, 65535.0) << 16);
    history[historyWrite() + pc.width * pc.height + i] = quantize(c.b, 1.0, 65535.0);
}
