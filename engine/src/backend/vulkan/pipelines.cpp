#include "backend/vulkan/pipelines.h"

#include "backend/vulkan/shaders.h"
#include "tern/error.h"

#include <cstring>

namespace tern::vk {

Pipelines::Pipelines(Context& ctx) : ctx_(ctx) {
    VkDescriptorSetLayoutBinding b[kBindings]{};
    for (uint32_t i = 0; i < kBindings; ++i) {
        b[i].binding = i;
        b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        b[i].descriptorCount = 1;
        b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo dl{};
    dl.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    dl.bindingCount = kBindings;
    dl.pBindings = b;
    check(ctx_.f().vkCreateDescriptorSetLayout(ctx_.device(), &dl, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");
    VkPushConstantRange pc{};
    pc.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    pc.size = kPushBytes;
    VkPipelineLayoutCreateInfo pl{};
    pl.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &set_layout_;
    pl.pushConstantRangeCount = 1;
    pl.pPushConstantRanges = &pc;
    check(ctx_.f().vkCreatePipelineLayout(ctx_.device(), &pl, nullptr, &layout_), "vkCreatePipelineLayout");
}

Pipelines::~Pipelines() {
    const Fns& f = ctx_.f();
    for (auto& [name, p] : pipelines_) f.vkDestroyPipeline(ctx_.device(), p, nullptr);
    if (layout_) f.vkDestroyPipelineLayout(ctx_.device(), layout_, nullptr);
    if (set_layout_) f.vkDestroyDescriptorSetLayout(ctx_.device(), set_layout_, nullptr);
}

VkPipeline Pipelines::get(const std::string& name) {
    if (auto it = pipelines_.find(name); it != pipelines_.end()) return it->second;
    const SpirvModule* mod = nullptr;
    for (size_t i = 0; i < kSpirvModuleCount; ++i)
        if (name == kSpirvModules[i].name) mod = &kSpirvModules[i];
    if (!mod) throw Error("Vulkan: no shader named '" + name + "' is built in");
    const Fns& f = ctx_.f();
    VkShaderModuleCreateInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    si.codeSize = mod->words * sizeof(uint32_t);
    si.pCode = mod->code;
    VkShaderModule sm = VK_NULL_HANDLE;
    check(f.vkCreateShaderModule(ctx_.device(), &si, nullptr, &sm), "vkCreateShaderModule");
    VkComputePipelineCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
    ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = sm;
    ci.stage.pName = "main";
    ci.layout = layout_;
    VkPipeline p = VK_NULL_HANDLE;
    const VkResult r = f.vkCreateComputePipelines(ctx_.device(), VK_NULL_HANDLE, 1, &ci, nullptr, &p);
    f.vkDestroyShaderModule(ctx_.device(), sm, nullptr);
    check(r, ("vkCreateComputePipelines (" + name + ")").c_str());
    pipelines_[name] = p;
    return p;
}

}  // namespace tern::vk
