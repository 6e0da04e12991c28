// Compute pipelines of the embedded shaders, created on first use. Every shader shares one
// layout: four storage-buffer bindings (set 0, bindings 0..3) and up to 64 bytes of push
// constants, so one descriptor-set layout serves all dispatches.
#pragma once

#include "backend/vulkan/context.h"

#include <map>
#include <string>

namespace tern::vk {

constexpr uint32_t kBindings = 4;
constexpr uint32_t kPushBytes = 64;

class Pipelines {
public:
    explicit Pipelines(Context& ctx);
    ~Pipelines();
    Pipelines(const Pipelines&) = delete;
    Pipelines& operator=(const Pipelines&) = delete;

    VkPipeline get(const std::string& name);  // throws tern::Error for an unknown shader
    VkPipelineLayout layout() const { return layout_; }
    VkDescriptorSetLayout set_layout() const { return set_layout_; }

private:
    Context& ctx_;
    VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
    VkPipelineLayout layout_ = VK_NULL_HANDLE;
    std::map<std::string, VkPipeline> pipelines_;
};

}  // namespace tern::vk
