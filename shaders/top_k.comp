#version 450
#extension GL_GOOGLE_include_directive : require
// TOP_K: indices of the k largest of each row of E (E ≤ 1024), descending; ties: lower index
// first (the CPU backend's selection). One invocation per row.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { int y[]; };
layout(push_constant) uniform PC { uint E, k, rows, x_off, y_off; } pc;
#include "index.glsl"

void main() {
    const uint r = flat_index();
    if (r >= pc.rows) return;
    uint taken[32];
    for (uint i = 0u; i < 32u; ++i) taken[i] = 0u;
    const uint xr = pc.x_off + r * pc.E;
    for (uint s = 0u; s < pc.k; ++s) {
        int best = -1;
        for (uint j = 0u; j < pc.E; ++j) {
            if ((taken[j / 32u] & (1u << (j % 32u))) != 0u) continue;
            if (best < 0 || x[xr + j] > x[xr + uint(best)]) best = int(j);
        }
        taken[uint(best) / 32u] |= 1u << (uint(best) % 32u);
        y[pc.y_off + r * pc.k + s] = best;
    }
}
