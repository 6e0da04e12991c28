#version 450
#extension GL_GOOGLE_include_directive : require
// MOE_SUM: y[n, t] = Σ_s w[s, t] · x[n, s, t], summed in slot order as the CPU backend does.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Wt { float w[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform PC { uint N, T, k, x_off, w_off, y_off; } pc;
#include "index.glsl"

void main() {
    const uint i = flat_index();
    if (i >= pc.N * pc.T) return;
    const uint n = i % pc.N, t = i / pc.N;
    float s = 0.0;
    for (uint j = 0u; j < pc.k; ++j) s += w[pc.w_off + t * pc.k + j] * x[pc.x_off + (t * pc.k + j) * pc.N + n];
    y[pc.y_off + i] = s;
}
