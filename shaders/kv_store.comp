#version 450
#extension GL_GOOGLE_include_directive : require
// ATTENTION, step 1: copies this batch's k and v ([kv_dim, T]) into the layer's KV cache at
// position pos0 (dst_off = pos0 · kv_dim).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer K { float k[]; };
layout(std430, set = 0, binding = 1) readonly buffer V { float v[]; };
layout(std430, set = 0, binding = 2) writeonly buffer KC { float kc[]; };
layout(std430, set = 0, binding = 3) writeonly buffer VC { float vc[]; };
layout(push_constant) uniform PC { uint n, k_off, v_off, dst_off; } pc;
#include "index.glsl"

void main() {
    const uint i = flat_index();
    if (i >= pc.n) return;
    kc[pc.dst_off + i] = k[pc.k_off + i];
    vc[pc.dst_off + i] = v[pc.v_off + i];
}
