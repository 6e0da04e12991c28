#version 450
#extension GL_GOOGLE_include_directive : require
// SILU_MUL (op 0): silu(a)·b; RELU2_MUL (op 1): relu(a)²·b; ADD (op 2): a + b.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform PC { uint n, op, a_off, b_off, y_off; } pc;
#include "index.glsl"

void main() {
    const uint i = flat_index();
    if (i >= pc.n) return;
    const float x = a[pc.a_off + i], v = b[pc.b_off + i];
    float r;
    if (pc.op == 0u) {
        r = x / (1.0 + exp(-x)) * v;
    } else if (pc.op == 1u) {
        const float q = max(x, 0.0);
        r = q * q * v;
    } else {
        r = x + v;
    }
    y[pc.y_off + i] = r;
}
