#include "backend/vulkan/recorder.h"

#include "tern/error.h"

#include <algorithm>

namespace tern::vk {

namespace {
constexpr uint32_t kSetsPerPool = 512;
constexpr uint32_t kMaxGroups = 65535;
}  // namespace

Recorder::Recorder(Context& ctx, Pipelines& pipes) : ctx_(ctx), pipes_(pipes) {
    const Fns& f = ctx_.f();
    VkCommandPoolCreateInfo pi{};
    pi.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pi.queueFamilyIndex = ctx_.queue_family();
    check(f.vkCreateCommandPool(ctx_.device(), &pi, nullptr, &pool_), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    ai.commandPool = pool_;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    check(f.vkAllocateCommandBuffers(ctx_.device(), &ai, &cmd_), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fi{};
    fi.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    check(f.vkCreateFence(ctx_.device(), &fi, nullptr, &fence_), "vkCreateFence");
}

Recorder::~Recorder() {
    const Fns& f = ctx_.f();
    for (VkDescriptorPool p : dpools_) f.vkDestroyDescriptorPool(ctx_.device(), p, nullptr);
    if (fence_) f.vkDestroyFence(ctx_.device(), fence_, nullptr);
    if (pool_) f.vkDestroyCommandPool(ctx_.device(), pool_, nullptr);
}

void Recorder::begin() {
    const Fns& f = ctx_.f();
    for (VkDescriptorPool p : dpools_) f.vkResetDescriptorPool(ctx_.device(), p, 0);
    dpool_cur_ = 0;
    n_dispatch_ = 0;
    check(f.vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
    VkCommandBufferBeginInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(f.vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
}

VkDescriptorSet Recorder::allocate_set() {
    const Fns& f = ctx_.f();
    const VkDescriptorSetLayout layout = pipes_.set_layout();
    for (;;) {
        if (dpool_cur_ == dpools_.size()) {
            VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * kBindings};
            VkDescriptorPoolCreateInfo ci{};
            ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
            ci.maxSets = kSetsPerPool;
            ci.poolSizeCount = 1;
            ci.pPoolSizes = &size;
            VkDescriptorPool p = VK_NULL_HANDLE;
            check(f.vkCreateDescriptorPool(ctx_.device(), &ci, nullptr, &p), "vkCreateDescriptorPool");
            dpools_.push_back(p);
        }
        VkDescriptorSetAllocateInfo ai{};
        ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
        ai.descriptorPool = dpools_[dpool_cur_];
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &layout;
        VkDescriptorSet set = VK_NULL_HANDLE;
        const VkResult r = f.vkAllocateDescriptorSets(ctx_.device(), &ai, &set);
        if (r == VK_SUCCESS) return set;
        if (r != VK_ERROR_OUT_OF_POOL_MEMORY && r != VK_ERROR_FRAGMENTED_POOL) check(r, "vkAllocateDescriptorSets");
        ++dpool_cur_;
    }
}

void Recorder::barrier() {
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                       VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_READ_BIT;
    const VkPipelineStageFlags st = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    ctx_.f().vkCmdPipelineBarrier(cmd_, st, st | VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
}

void Recorder::dispatch(const char* shader, std::initializer_list<VkBuffer> buffers, const Push& pc, uint32_t gx,
                        uint32_t gy, uint32_t gz) {
    if (gx == 0 || gy == 0 || gz == 0) return;
    if (gx > kMaxGroups || gy > kMaxGroups || gz > kMaxGroups)
        throw Error(std::string("Vulkan: the ") + shader + " dispatch is too large (" + std::to_string(gx) + " x " +
                    std::to_string(gy) + " x " + std::to_string(gz) + " workgroups)");
    const Fns& f = ctx_.f();
    const VkDescriptorSet set = allocate_set();
    VkDescriptorBufferInfo info[kBindings]{};
    VkWriteDescriptorSet wr[kBindings]{};
    const VkBuffer* b = buffers.begin();
    for (uint32_t i = 0; i < kBindings; ++i) {
        info[i].buffer = i < buffers.size() ? b[i] : b[0];
        info[i].offset = 0;
        info[i].range = VK_WHOLE_SIZE;
        wr[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        wr[i].dstSet = set;
        wr[i].dstBinding = i;
        wr[i].descriptorCount = 1;
        wr[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        wr[i].pBufferInfo = &info[i];
    }
    f.vkUpdateDescriptorSets(ctx_.device(), kBindings, wr, 0, nullptr);
    f.vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipes_.get(shader));
    f.vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipes_.layout(), 0, 1, &set, 0, nullptr);
    f.vkCmdPushConstants(cmd_, pipes_.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushBytes, pc.w.data());
    f.vkCmdDispatch(cmd_, gx, gy, gz);
    ++n_dispatch_;
    barrier();
}

void Recorder::dispatch_1d(const char* shader, std::initializer_list<VkBuffer> buffers, const Push& pc, uint64_t n) {
    const uint64_t groups = (n + 63) / 64;
    if (groups == 0) return;
    const uint64_t gx = std::min<uint64_t>(groups, kMaxGroups);
    const uint64_t gy = (groups + gx - 1) / gx;
    dispatch(shader, buffers, pc, static_cast<uint32_t>(gx), static_cast<uint32_t>(gy));
}

void Recorder::copy(VkBuffer src, VkBuffer dst, uint64_t bytes) {
    VkBufferCopy c{0, 0, bytes};
    ctx_.f().vkCmdCopyBuffer(cmd_, src, dst, 1, &c);
    barrier();
}

void Recorder::submit_and_wait() {
    const Fns& f = ctx_.f();
    check(f.vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd_;
    check(f.vkResetFences(ctx_.device(), 1, &fence_), "vkResetFences");
    check(f.vkQueueSubmit(ctx_.queue(), 1, &si, fence_), "vkQueueSubmit");
    check(f.vkWaitForFences(ctx_.device(), 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
}

}  // namespace tern::vk
