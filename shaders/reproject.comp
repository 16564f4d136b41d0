#version 450
// The light map's moving average made to follow motion (as temporal anti-aliasing treats its
// history): each pixel fetches the average from where it was in the previous frame (the motion
// field, backward: previous position = p + motion(p); motion bilinear, the average Catmull-Rom), clamps it to the new light map's
// (2r+1)^2 neighbourhood min/max (history that does not fit what is there now -- new content,
// failed motion -- is pulled to it), then blends: out = mix(clamp(history(p + m)), current(p), weight).
// The new map may belong to an earlier frame (the live view's network finishes a map frames after it
// took its frame): with mapMoved it is fetched through mapMotion, where each pixel was when that
// frame was taken, so it lights the picture where things are now. Weight 0: no new map, the average
// only follows the motion; weight 1: the new map alone (no history to fetch).
// Writes a separate buffer (neighbours of the history are read while it is replaced); the caller
// copies it over the history. CPU reference: the tests' CpuReference.Reproject.
// Pass: src/Renderer/Passes/ReprojectPass.cs.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Current { float current[]; };
layout(std430, binding = 1) readonly buffer History { float history[]; };
layout(std430, binding = 2) readonly buffer Motion { vec2 motion[]; };
layout(std430, binding = 3) writeonly buffer Blended { float blended[]; };
layout(std430, binding = 4) readonly buffer MapMotion { vec2 mapMotion[]; };

layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint motionWidth;
    uint motionHeight;
    float weight;
    int radius;
    uint mapMoved;
} pc;

vec2 motionAt(vec2 p, bool ofMap) {
    vec2 q = clamp(p, vec2(0.0), vec2(float(pc.motionWidth - 1u), float(pc.motionHeight - 1u)));
    uvec2 a = uvec2(floor(q));
    uvec2 b = min(a + 1u, uvec2(pc.motionWidth - 1u, pc.motionHeight - 1u));
    vec2 f = q - vec2(a);
    uint i00 = a.y * pc.motionWidth + a.x, i01 = a.y * pc.motionWidth + b.x;
    uint i10 = b.y * pc.motionWidth + a.x, i11 = b.y * pc.motionWidth + b.x;
    vec2 top = ofMap ? mix(mapMotion[i00], mapMotion[i01], f.x) : mix(motion[i00], motion[i01], f.x);
    vec2 bottom = ofMap ? mix(mapMotion[i10], mapMotion[i11], f.x) : mix(motion[i10], motion[i11], f.x);
    return mix(top, bottom, f.y);
}

float currentAt(vec2 p) {
    vec2 q = clamp(p, vec2(0.0), vec2(float(pc.width - 1u), float(pc.height - 1u)));
    uvec2 a = uvec2(floor(q));
    uvec2 b = min(a + 1u, uvec2(pc.width - 1u, pc.height - 1u));
    vec2 f = q - vec2(a);
    float top = mix(current[a.y * pc.width + a.x], current[a.y * pc.width + b.x], f.x);
    float bottom = mix(current[b.y * pc.width + a.x], current[b.y * pc.width + b.x], f.x);
    return mix(top, bottom, f.y);
}

float historyTexel(int x, int y) {
    x = clamp(x, 0, int(pc.width) - 1);
    y = clamp(y, 0, int(pc.height) - 1);
    return history[uint(y) * pc.width + uint(x)];
}

// Catmull-Rom weights of the four taps around a fraction t: sharper than bilinear, so a history
// resampled frame after frame does not blur away (a known trouble of reprojected histories).
vec4 catmullRom(float t) {
    float t2 = t * t;
    float t3 = t2 * t;
    return vec4(-0.5 * t3 + t2 - 0.5 * t, 1.5 * t3 - 2.5 * t2 + 1.0, -1.5 * t3 + 2.0 * t2 + 0.5 * t, 0.5 * t3 - 0.5 * t2);
}

float historyAt(vec2 p) {
    vec2 q = clamp(p, vec2(0.0), vec2(float(pc.width - 1u), float(pc.height - 1u)));
    ivec2 a = ivec2(floor(q));
    vec2 f = q - vec2(a);
    vec4 wx = catmullRom(f.x);
    vec4 wy = catmullRom(f.y);
    float sum = 0.0;
    for (int j = 0; j < 4; j++) {
        float row = 0.0;
        for (int i = 0; i < 4; i++) row += wx[i] * historyTexel(a.x - 1 + i, a.y - 1 + j);
        sum += wy[j] * row;
    }
    return sum;
}

void main() {
    uvec2 g = gl_GlobalInvocationID.xy;
    if (g.x >= pc.width || g.y >= pc.height) return;
    // The motion field is coarser than the light map: sample it at this pixel's centre, in its pixels.
    vec2 scale = vec2(float(pc.motionWidth), float(pc.motionHeight)) / vec2(float(pc.width), float(pc.height));
    vec2 motionPixel = (vec2(g) + 0.5) * scale - 0.5;
    uint i = g.y * pc.width + g.x;
    // The new map as this frame sees it: at this pixel's place when the map's frame was taken.
    vec2 at = vec2(g) + (pc.mapMoved != 0u && pc.weight > 0.0 ? motionAt(motionPixel, true) / scale : vec2(0.0));
    if (pc.weight >= 1.0) {
        // It replaces the average (the live view carrying each frame's own map): what the blend below
        // gives at weight 1, without fetching and clamping a history it would drop.
        blended[i] = currentAt(at);
        return;
    }
    float previous = historyAt(vec2(g) + motionAt(motionPixel, false) / scale);
    if (pc.weight <= 0.0) {
        blended[i] = previous;
        return;
    }

    float lo = 3.0e38;
    float hi = -3.0e38;
    for (int dy = -pc.radius; dy <= pc.radius; dy++) {
        for (int dx = -pc.radius; dx <= pc.radius; dx++) {
            float v = currentAt(at + vec2(float(dx), float(dy)));
            lo = min(lo, v);
            hi = max(hi, v);
        }
    }
    blended[i] = mix(clamp(previous, lo, hi), currentAt(at), pc.weight);
}
