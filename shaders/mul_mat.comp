#version 450
#extension GL_GOOGLE_include_directive : require
// MUL_MAT and MUL_MAT_ID: y[col][n] = W[row(n, col)] · x[xcol(col)]. A workgroup of 64 computes
// 64/R output rows of one column with R invocations per row (R a power of two chosen by the host:
// 1 on CPU-type devices, where invocations are SIMD lanes; up to 32 on GPUs for long rows).
// Workgroups: x and y·gx number the row groups, z is the column. Activations are already converted as the
// CPU backend converts them (quantize.comp): Q8_0 records for Q4_0/Q8_0 weights, Q8_K records
// (9 or 65 words per block) for TQ1_0/TQ2_0, F32 for F32/F16 weights (F16: rounded to half here).
// Each thread sums integer dot products over 32-element units, scaled in float, as ggml's generic
// vec_dot does per block. MUL_MAT_ID: column col = t·S + s takes expert ids[col] and input column
// t·xs (+ s when xs > 1); duplicate ids are independent columns, so their results are exact.
// A weight tensor split into parts (maxStorageBufferRange) runs once per part: rows outside
// [row0, row0 + rows) of the flattened [N·E] rows are left to the other parts.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer W { uint w[]; };
layout(std430, set = 0, binding = 1) readonly buffer X { uint x[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(std430, set = 0, binding = 3) readonly buffer I { int ids[]; };
layout(push_constant) uniform PC {
    uint K, N, units, row0, rows, w_row_words, x_off, x_row_words, y_off, S, xs, ids_off, is_id, R;
} pc;
#include "weights.glsl"

shared float part[64];

int x_i8(uint word, uint byte) { return bitfieldExtract(int(word), int(8u * byte), 8); }

float unit_dot(uint wrow, uint xrow, uint u) {
#if defined(WTYPE_F32)
    return uintBitsToFloat(w[wrow + u]) * uintBitsToFloat(x[xrow + u]);
#elif defined(WTYPE_F16)
    const float xv = unpackHalf2x16(packHalf2x16(vec2(uintBitsToFloat(x[xrow + u]), 0.0))).x;
    return w_value(wrow, u) * xv;
#elif defined(WTYPE_Q8_0)
    const uint wr = wrow + u * 9u, xr = xrow + u * 9u;
    int sumi = 0;
    for (uint i = 0u; i < 8u; ++i) {
        const uint a = w[wr + i], b = x[xr + i];
        for (uint k = 0u; k < 4u; ++k) sumi += x_i8(a, k) * x_i8(b, k);
    }
    return float(sumi) * (uintBitsToFloat(w[wr + 8u]) * uintBitsToFloat(x[xr + 8u]));
#elif defined(WTYPE_Q4_0)
    const uint wr = wrow + u * 5u, xr = xrow + u * 9u;
    int sumi = 0;
    for (uint i = 0u; i < 4u; ++i) {
        const uint a = w[wr + i], lo = x[xr + i], hi = x[xr + 4u + i];
        for (uint k = 0u; k < 4u; ++k) {
            const uint q = (a >> (8u * k)) & 0xFFu;
            sumi += (int(q & 0xFu) - 8) * x_i8(lo, k) + (int(q >> 4) - 8) * x_i8(hi, k);
        }
    }
    return float(sumi) * (uintBitsToFloat(w[wr + 4u]) * uintBitsToFloat(x[xr + 8u]));
#elif defined(WTYPE_TQ2_0)
    const uint blk = u / 8u, sub = u % 8u;
    const uint wr = wrow + blk * 17u, xr = xrow + blk * 65u;
    const uint c = sub / 4u, shift = 2u * (sub % 4u);
    int sumi = 0;
    for (uint i = 0u; i < 8u; ++i) {
        const uint a = w[wr + 8u * c + i], b = x[xr + 8u * sub + i];
        for (uint k = 0u; k < 4u; ++k) sumi += (int((a >> (8u * k + shift)) & 3u) - 1) * x_i8(b, k);
    }
    return float(sumi) * (uintBitsToFloat(w[wr + 16u]) * uintBitsToFloat(x[xr + 64u]));
#elif defined(WTYPE_TQ1_0)
    const uint blk = u / 8u, sub = u % 8u;
    const uint wr = wrow + blk * 14u, xr = xrow + blk * 65u;
    int sumi = 0;
    for (uint i = 0u; i < 8u; ++i) {
        const uint b = x[xr + 8u * sub + i];
        for (uint k = 0u; k < 4u; ++k) sumi += tq1_value(wr, 32u * sub + 4u * i + k) * x_i8(b, k);
    }
    return float(sumi) * (uintBitsToFloat(w[wr + 13u]) * uintBitsToFloat(x[xr + 64u]));
#endif
}

void main() {
    const uint tid = gl_LocalInvocationID.x, R = pc.R, lane = tid % R;
    const uint n = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * (64u / R) + tid / R;
    const uint col = gl_WorkGroupID.z;
    bool valid = n < pc.N;
    uint grow = n, xcol = col;
    if (valid && pc.is_id != 0u) {
        grow = uint(ids[pc.ids_off + col]) * pc.N + n;
        xcol = (col / pc.S) * pc.xs + (pc.xs == 1u ? 0u : col % pc.S);
    }
    valid = valid && grow >= pc.row0 && grow < pc.row0 + pc.rows;
    float acc = 0.0;
    if (valid) {
        const uint wrow = (grow - pc.row0) * pc.w_row_words, xrow = pc.x_off + xcol * pc.x_row_words;
        for (uint u = lane; u < pc.units; u += R) acc += unit_dot(wrow, xrow, u);
    }
    if (R > 1u) {  // uniform: R is a push constant
        part[tid] = acc;
        for (uint s = R / 2u; s > 0u; s >>= 1) {
            barrier();
            if (lane < s) part[tid] += part[tid + s];
        }
        barrier();
        acc = part[tid];
    }
    if (valid && lane == 0u) y[pc.y_off + col * pc.N + n] = acc;
}
