#version 450
// Converts F32 activation rows to the records mul_mat.comp reads, with the CPU reference's
// rules (tensor/quants.cpp): Q8_0 (absmax/127, round half away, fp16 scale), Q8_K (signed
// absmax → −127, round half even, d = 1/iscale), Q8_K_ROW (BitNet: one absmax scale per row,
// clamp to [−128, 127]). int8 values are packed four to a word; the scale follows as a float.
// One workgroup of 64 per row.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Q { uint q[]; };
layout(push_constant) uniform PC { uint K, x_off, q_off, row_words; } pc;

shared float red[64];

uint pack4(int a, int b, int c, int d) {
    return uint(a & 0xFF) | (uint(b & 0xFF) << 8) | (uint(c & 0xFF) << 16) | (uint(d & 0xFF) << 24);
}

void main() {
    const uint row = gl_WorkGroupID.x, tid = gl_LocalInvocationID.x;
    const uint xr = pc.x_off + row * pc.K, qr = pc.q_off + row * pc.row_words;
#if defined(XTYPE_Q8_0)
    for (uint b = tid; b < pc.K / 32u; b += 64u) {
        const uint xb = xr + 32u * b, rec = qr + 9u * b;
        float amax = 0.0;
        for (uint j = 0u; j < 32u; ++j) amax = max(amax, abs(x[xb + j]));
        const float d = amax / 127.0;
        const float id = d != 0.0 ? 1.0 / d : 0.0;
        int v[4];
        for (uint j = 0u; j < 32u; ++j) {
            const float s = x[xb + j] * id;
            v[j % 4u] = int(sign(s) * floor(abs(s) + 0.5));  // roundf: half away from zero
            if (j % 4u == 3u) q[rec + j / 4u] = pack4(v[0], v[1], v[2], v[3]);
        }
        q[rec + 8u] = floatBitsToUint(unpackHalf2x16(packHalf2x16(vec2(d, 0.0))).x);
    }
#elif defined(XTYPE_Q8_K)
    for (uint b = tid; b < pc.K / 256u; b += 64u) {
        const uint xb = xr + 256u * b, rec = qr + 65u * b;
        float amax = 0.0, mx = 0.0;
        for (uint j = 0u; j < 256u; ++j) {
            const float a = abs(x[xb + j]);
            if (a > amax) { amax = a; mx = x[xb + j]; }
        }
        if (mx == 0.0) {
            for (uint i = 0u; i < 65u; ++i) q[rec + i] = 0u;
            continue;
        }
        const float iscale = -127.0 / mx;
        int v[4];
        for (uint j = 0u; j < 256u; ++j) {
            v[j % 4u] = min(127, int(roundEven(iscale * x[xb + j])));
            if (j % 4u == 3u) q[rec + j / 4u] = pack4(v[0], v[1], v[2], v[3]);
        }
        q[rec + 64u] = floatBitsToUint(1.0 / iscale);
    }
#elif defined(XTYPE_Q8_K_ROW)
    float amax = 0.0;
    for (uint j = tid; j < pc.K; j += 64u) amax = max(amax, abs(x[xr + j]));
    red[tid] = amax;
    barrier();
    for (uint s = 32u; s > 0u; s >>= 1) {
        if (tid < s) red[tid] = max(red[tid], red[tid + s]);
        barrier();
    }
    const float sc = 127.0 / max(red[0], 1e-5);
    for (uint b = 0u; b < pc.K / 256u; ++b) {
        const uint xb = xr + 256u * b, rec = qr + 65u * b;
        if (tid == 0u) q[rec + 64u] = floatBitsToUint(1.0 / sc);
        const uint i = tid;  // 64 words per block: one per thread
        int v[4];
        for (uint k = 0u; k < 4u; ++k) v[k] = int(clamp(roundEven(x[xb + 4u * i + k] * sc), -128.0, 127.0));
        q[rec + i] = pack4(v[0], v[1], v[2], v[3]);
    }
#else
#error "define one XTYPE_*"
#endif
}
