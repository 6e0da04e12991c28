#version 450
// ATTENTION, step 2: causal softmax attention of one query head of one token (a workgroup of 64:
// x = head, y = token) over the cached positions 0 .. pos0 + t, with GQA (kv head = h / (nh/nkv)).
// Keys go in tiles of 64, one score per invocation, with a running max and sum (online softmax),
// so any context length works with 64 floats of shared memory; each invocation owns output
// dims d = tid + 64·i (hd ≤ 256). KV_F16: the cache holds F16 pairs packed in 32-bit words
// (kv_store.comp; kv_dim and hd even), widened to F32 as they are read.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Q { float q[]; };
#ifdef KV_F16
layout(std430, set = 0, binding = 1) readonly buffer KC { uint kc[]; };
layout(std430, set = 0, binding = 2) readonly buffer VC { uint vc[]; };
float v_at(uint e) { return unpackHalf2x16(vc[e >> 1])[e & 1u]; }
#else
layout(std430, set = 0, binding = 1) readonly buffer KC { float kc[]; };
layout(std430, set = 0, binding = 2) readonly buffer VC { float vc[]; };
float v_at(uint e) { return vc[e]; }
#endif
layout(std430, set = 0, binding = 3) writeonly buffer O { float o[]; };
layout(push_constant) uniform PC { uint hd, nh, nkv, pos0, kv_dim, q_off, o_off; float scale; } pc;
shared float qs[256];
shared float sc[64];

void main() {
    const uint h = gl_WorkGroupID.x, t = gl_WorkGroupID.y, tid = gl_LocalInvocationID.x;
    const uint r = t * pc.nh + h, kvh = h / (pc.nh / pc.nkv);
    const uint n_kv = pc.pos0 + t + 1u;
    for (uint d = tid; d < pc.hd; d += 64u) qs[d] = q[pc.q_off + r * pc.hd + d];
    barrier();
    float m = -1e30, l = 0.0;
    float acc[4] = float[4](0.0, 0.0, 0.0, 0.0);
    for (uint j0 = 0u; j0 < n_kv; j0 += 64u) {
        const uint j = j0 + tid;
        float s = -1e30;
        if (j < n_kv) {
            const uint kb = j * pc.kv_dim + kvh * pc.hd;
            s = 0.0;
#ifdef KV_F16
            for (uint d = 0u; d < pc.hd; d += 2u) {
                const vec2 kk = unpackHalf2x16(kc[(kb + d) >> 1]);
                s += qs[d] * kk.x;
                s += qs[d + 1u] * kk.y;
            }
#else
            for (uint d = 0u; d < pc.hd; ++d) s += qs[d] * kc[kb + d];
#endif
            s *= pc.scale;
        }
        sc[tid] = s;
        barrier();
        const uint tile = min(64u, n_kv - j0);
        float tm = m;
        for (uint i = 0u; i < tile; ++i) tm = max(tm, sc[i]);
        const float corr = exp(m - tm);
        l *= corr;
        for (uint k = 0u; k < 4u; ++k) acc[k] *= corr;
        for (uint i = 0u; i < tile; ++i) {
            const float p = exp(sc[i] - tm);
            l += p;
            const uint vb = (j0 + i) * pc.kv_dim + kvh * pc.hd;
            for (uint k = 0u; k < 4u; ++k) {
                const uint d = tid + 64u * k;
                if (d < pc.hd) acc[k] += p * v_at(vb + d);
            }
        }
        m = tm;
        barrier();
    }
    for (uint k = 0u; k < 4u; ++k) {
        const uint d = tid + 64u * k;
        if (d < pc.hd) o[pc.o_off + r * pc.hd + d] = acc[k] / l;
    }
}
