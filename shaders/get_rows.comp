#version 450
#extension GL_GOOGLE_include_directive : require
// GET_ROWS: y[t] = dequantized row ids[t] of a table of K-element rows. One workgroup per
// token; a table split into several buffers runs once per part (rows row0 .. row0 + rows).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer W { uint w[]; };
layout(std430, set = 0, binding = 1) readonly buffer I { int ids[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform PC { uint K, row0, rows, row_words, ids_off, y_off; } pc;
#include "weights.glsl"

void main() {
    const uint t = gl_WorkGroupID.x;
    const int id = ids[pc.ids_off + t];
    if (id < int(pc.row0) || id >= int(pc.row0 + pc.rows)) return;
    const uint row = (uint(id) - pc.row0) * pc.row_words;
    for (uint e = gl_LocalInvocationID.x; e < pc.K; e += 64u) y[pc.y_off + t * pc.K + e] = w_value(row, e);
}
