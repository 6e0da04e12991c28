// Records one graph's dispatches into one command buffer and submits it once (one submission
// per compute(), so one per decoded token). Descriptor sets come from pools reset per
// recording; a full memory barrier follows each dispatch (every op reads its predecessors).
#pragma once

#include "backend/vulkan/pipelines.h"

#include <array>
#include <bit>
#include <initializer_list>
#include <vector>

namespace tern::vk {

// Push constants: 16 words, uints and floats in the order the shader's block declares them.
struct Push {
    std::array<uint32_t, kPushBytes / 4> w{};
    size_t n = 0;
    Push& u(uint64_t v) { w.at(n++) = static_cast<uint32_t>(v); return *this; }
    Push& f(float v) { w.at(n++) = std::bit_cast<uint32_t>(v); return *this; }
};

class Recorder {
public:
    Recorder(Context& ctx, Pipelines& pipes);
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    void begin();
    // Binds up to four buffers (whole, as bindings 0..3; missing ones repeat the first), pushes
    // constants and dispatches groups (x, y, z), then a barrier.
    void dispatch(const char* shader, std::initializer_list<VkBuffer> buffers, const Push& pc,
                  uint32_t gx, uint32_t gy = 1, uint32_t gz = 1);
    // A 1-D job of n invocations for the shaders that use index.glsl (64 per workgroup).
    void dispatch_1d(const char* shader, std::initializer_list<VkBuffer> buffers, const Push& pc, uint64_t n);
    void copy(VkBuffer src, VkBuffer dst, uint64_t bytes);  // whole-buffer prefix copy, then a barrier
    // Ends, submits, waits for completion; host reads of host-visible memory are valid afterwards.
    void submit_and_wait();
    size_t dispatches() const { return n_dispatch_; }

private:
    VkDescriptorSet allocate_set();
    void barrier();

    Context& ctx_;
    Pipelines& pipes_;
    VkCommandPool pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
    std::vector<VkDescriptorPool> dpools_;
    size_t dpool_cur_ = 0;
    size_t n_dispatch_ = 0;
};

}  // namespace tern::vk
