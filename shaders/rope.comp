#version 450
#extension GL_GOOGLE_include_directive : require
// ROPE over x [hd, nh, T]: the first n_rot dims of every head rotate by θ_i = pos · theta_scale^i
// (θ by repeated multiplication, as the CPU backend and ggml's rope cache compute it; theta_scale
// = base^(−2/n_rot) comes from the host). NEOX pairs (i, i + n_rot/2), NORM pairs (2i, 2i+1).
// One invocation per output element.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer P { int pos[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform PC { uint hd, nh, n, n_rot, neox, x_off, pos_off, y_off; float theta_scale; } pc;
#include "index.glsl"

void main() {
    const uint idx = flat_index();
    if (idx >= pc.n) return;
    const uint d = idx % pc.hd, r = idx / pc.hd, t = r / pc.nh;
    const uint base = pc.x_off + r * pc.hd;
    if (d >= pc.n_rot) {
        y[pc.y_off + idx] = x[base + d];
        return;
    }
    const uint half_rot = pc.n_rot / 2u;
    uint i, a, b;
    bool first;
    if (pc.neox != 0u) {
        i = d % half_rot; first = d < half_rot; a = i; b = i + half_rot;
    } else {
        i = d / 2u; first = (d % 2u) == 0u; a = 2u * i; b = a + 1u;
    }
    float theta = float(pos[pc.pos_off + t]);
    for (uint k = 0u; k < i; ++k) theta *= pc.theta_scale;
    const float c = cos(theta), s = sin(theta);
    const float x0 = x[base + a], x1 = x[base + b];
    y[pc.y_off + idx] = first ? x0 * c - x1 * s : x0 * s + x1 * c;
}
