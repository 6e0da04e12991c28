#version 450
#extension GL_GOOGLE_include_directive : require
// MOE_WEIGHTS: w[s] = p[ids[s]] per row, optionally divided by max(Σ w, 2^-14) (llama.cpp's
// build_moe_ffn clamp). One invocation per row.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer P { float p[]; };
layout(std430, set = 0, binding = 1) readonly buffer I { int ids[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform PC { uint E, k, rows, norm, p_off, ids_off, y_off; } pc;
#include "index.glsl"

void main() {
    const uint r = flat_index();
    if (r >= pc.rows) return;
    float w[64];
    float sum = 0.0;
    for (uint s = 0u; s < pc.k; ++s) {
        w[s] = p[pc.p_off + r * pc.E + uint(ids[pc.ids_off + r * pc.k + s])];
        sum += w[s];
    }
    const float denom = pc.norm != 0u ? max(sum, 6.103515625e-5) : 1.0;
    for (uint s = 0u; s < pc.k; ++s) y[pc.y_off + r * pc.k + s] = pc.norm != 0u ? w[s] / denom : w[s];
}
