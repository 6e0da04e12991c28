#version 450
// SOFTMAX over rows of D (max-subtracted), one workgroup of 64 per row.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) buffer Y { float y[]; };
layout(push_constant) uniform PC { uint D, x_off, y_off; } pc;
shared float red[64];

void main() {
    const uint row = gl_WorkGroupID.x, tid = gl_LocalInvocationID.x;
    const uint xr = pc.x_off + row * pc.D, yr = pc.y_off + row * pc.D;
    float mx = -1.0 / 0.0;
    for (uint j = tid; j < pc.D; j += 64u) mx = max(mx, x[xr + j]);
    red[tid] = mx;
    barrier();
    for (uint k = 32u; k > 0u; k >>= 1) {
        if (tid < k) red[tid] = max(red[tid], red[tid + k]);
        barrier();
    }
    mx = red[0];
    barrier();
    float s = 0.0;
    for (uint j = tid; j < pc.D; j += 64u) {
        const float e = exp(x[xr + j] - mx);
        y[yr + j] = e;
        s += e;
    }
    red[tid] = s;
    barrier();
    for (uint k = 32u; k > 0u; k >>= 1) {
        if (tid < k) red[tid] += red[tid + k];
        barrier();
    }
    const float inv = 1.0 / red[0];
    for (uint j = tid; j < pc.D; j += 64u) y[yr + j] *= inv;
}
