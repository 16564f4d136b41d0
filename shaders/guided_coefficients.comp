#version 450
// Edge-aware upsampling, step 1 (fast guided filter, He & Sun 2015), at the network's size:
// for each pixel, over a (2r+1)^2 window of guidance g and light map p, the linear model
// p ~ a*g + b: a = cov(g, p) / (var(g) + eps), b = mean(p) - a*mean(g). Pass: GuidedUpsamplePass.
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer Small { float planes[]; };   // 4 planes: R, G, B, guidance
layout(std430, binding = 1) readonly buffer LightMap { float light[]; };
layout(std430, binding = 2) writeonly buffer Coefficients { float ab[]; }; // 2 planes: a, b

layout(push_constant) uniform Push {
    uint width;
    uint height;
    int radius;
    float epsilon;
} pc;

void main() {
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= int(pc.width) || p.y >= int(pc.height)) return;
    uint n = pc.width * pc.height;
    float sg = 0.0, sp = 0.0, sgg = 0.0, sgp = 0.0, count = 0.0;
    for (int dy = -pc.radius; dy <= pc.radius; dy++) {
        for (int dx = -pc.radius; dx <= pc.radius; dx++) {
            ivec2 q = p + ivec2(dx, dy);
            if (q.x < 0 || q.y < 0 || q.x >= int(pc.width) || q.y >= int(pc.height)) continue;
            uint j = uint(q.y) * pc.width + uint(q.x);
            float g = planes[3u * n + j];
            float l = light[j];
            sg += g; sp += l; sgg += g * g; sgp += g * l; count += 1.0;
        }
    }
    float mg = sg / count, mp = sp / count;
    float a = (sgp / count - mg * mp) / (sgg / count - mg * mg + pc.epsilon);
    uint i = uint(p.y) * pc.width + uint(p.x);
    ab[i] = a;
    ab[n + i] = mp - a * mg;
}
