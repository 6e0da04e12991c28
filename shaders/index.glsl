// Flat invocation index of a 1-D job dispatched as a 2-D grid of 64-wide workgroups (the grid's
// x size is at most 65535 workgroups, so large jobs use y as well).
uint flat_index() {
    return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u + gl_LocalInvocationID.x;
}
