#version 450
// RMS_NORM: y = x / sqrt(mean(x²) + eps) · w per row of D (one workgroup of 64 per row).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Wt { float w[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform PC { uint D, x_off, w_off, y_off; float eps; } pc;
shared float red[64];

void main() {
    const uint row = gl_WorkGroupID.x, tid = gl_LocalInvocationID.x;
    const uint xr = pc.x_off + row * pc.D, yr = pc.y_off + row * pc.D;
    float s = 0.0;
    for (uint j = tid; j < pc.D; j += 64u) s += x[xr + j] * x[xr + j];
    red[tid] = s;
    barrier();
    for (uint k = 32u; k > 0u; k >>= 1) {
        if (tid < k) red[tid] += red[tid + k];
        barrier();
    }
    const float scale = 1.0 / sqrt(red[0] / float(pc.D) + pc.eps);
    for (uint j = tid; j < pc.D; j += 64u) y[yr + j] = x[xr + j] * scale * w[pc.w_off + j];
}
