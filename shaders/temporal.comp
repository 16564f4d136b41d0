#version 450
// Temporal smoothing of the light map: history = mix(history, current, weight), an exponential
// moving average; weight 1 restarts it (first frame, scene cut). Pass: src/Renderer/Passes/TemporalPass.cs.
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Current { float current[]; };
layout(std430, binding = 1) buffer History { float history[]; };

layout(push_constant) uniform Push {
    uint count;
    float weight;
} pc;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    history[i] = pc.weight >= 1.0 ? current[i] : mix(history[i], current[i], pc.weight);
}
