// The light map at the frame's pixel p, from a light map at the network's (smaller) size; included
// by compose.comp after it declares `light` (the small planes) and the push block.
// Bilinear: the light map itself, interpolated (half-pixel centres, edges clamped). Edge-aware
// (fast guided filter, step 3): the guided filter's window-averaged a and b planes (box_mean.comp),
// interpolated the same way and applied to the full-resolution guidance g = max(R, G, B):
// L = a*g + b, so light-map edges follow the frame's. Either result is kept within [lo, hi] of
// the small light map (light_range.comp). Computed where it is used, so no full-size light map is ever stored.

float smallAt(uint plane, ivec2 q) {
    q = clamp(q, ivec2(0), ivec2(int(pc.smallWidth) - 1, int(pc.smallHeight) - 1));
    return light[plane * pc.smallWidth * pc.smallHeight + uint(q.y) * pc.smallWidth + uint(q.x)];
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

float upsampledLight(uvec2 p, vec3 c, bool edgeAware) {
    float l;
    if (edgeAware) {
        float g = max(c.r, max(c.g, c.b));
        l = bilinear(0u, p) * g + bilinear(1u, p);
    } else {
        l = bilinear(0u, p);
    }
    return clamp(l, range.lo, range.hi);
}
