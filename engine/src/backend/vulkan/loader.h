// The Vulkan loader, opened at run time: dlopen("libvulkan.so.1") and vkGetInstanceProcAddr, so
// Tern starts (and runs on the CPU) on machines with no loader or driver. Every Vulkan function
// the backend calls is a pointer in Fns, resolved per instance and per device.
#pragma once

#include <vulkan/vulkan.h>

#include <string>

namespace tern::vk {

#define TERN_VK_INSTANCE_FNS(X)                  \
    X(vkDestroyInstance)                         \
    X(vkEnumeratePhysicalDevices)                \
    X(vkGetPhysicalDeviceProperties)             \
    X(vkGetPhysicalDeviceProperties2)            \
    X(vkGetPhysicalDeviceFeatures2)              \
    X(vkGetPhysicalDeviceMemoryProperties)       \
    X(vkGetPhysicalDeviceQueueFamilyProperties)  \
    X(vkEnumerateDeviceExtensionProperties)      \
    X(vkCreateDevice)                            \
    X(vkGetDeviceProcAddr)

#define TERN_VK_DEVICE_FNS(X)             \
    X(vkDestroyDevice)                    \
    X(vkGetDeviceQueue)                   \
    X(vkCreateBuffer)                     \
    X(vkDestroyBuffer)                    \
    X(vkGetBufferMemoryRequirements)      \
    X(vkAllocateMemory)                   \
    X(vkFreeMemory)                       \
    X(vkBindBufferMemory)                 \
    X(vkMapMemory)                        \
    X(vkUnmapMemory)                      \
    X(vkCreateShaderModule)               \
    X(vkDestroyShaderModule)              \
    X(vkCreateDescriptorSetLayout)        \
    X(vkDestroyDescriptorSetLayout)       \
    X(vkCreatePipelineLayout)             \
    X(vkDestroyPipelineLayout)            \
    X(vkCreateComputePipelines)           \
    X(vkDestroyPipeline)                  \
    X(vkCreateDescriptorPool)             \
    X(vkDestroyDescriptorPool)            \
    X(vkResetDescriptorPool)              \
    X(vkAllocateDescriptorSets)           \
    X(vkUpdateDescriptorSets)             \
    X(vkCreateCommandPool)                \
    X(vkDestroyCommandPool)               \
    X(vkAllocateCommandBuffers)           \
    X(vkResetCommandBuffer)               \
    X(vkBeginCommandBuffer)               \
    X(vkEndCommandBuffer)                 \
    X(vkCmdBindPipeline)                  \
    X(vkCmdBindDescriptorSets)            \
    X(vkCmdPushConstants)                 \
    X(vkCmdDispatch)                      \
    X(vkCmdPipelineBarrier)               \
    X(vkCmdCopyBuffer)                    \
    X(vkCreateFence)                      \
    X(vkDestroyFence)                     \
    X(vkResetFences)                      \
    X(vkWaitForFences)                    \
    X(vkQueueSubmit)                      \
    X(vkDeviceWaitIdle)

struct Fns {
#define TERN_VK_DECLARE(name) PFN_##name name = nullptr;
    PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
    PFN_vkCreateInstance vkCreateInstance = nullptr;
    PFN_vkEnumerateInstanceVersion vkEnumerateInstanceVersion = nullptr;
    TERN_VK_INSTANCE_FNS(TERN_VK_DECLARE)
    TERN_VK_DEVICE_FNS(TERN_VK_DECLARE)
#undef TERN_VK_DECLARE
};

// Opens the loader once per process (never closed: drivers may keep threads). Returns false and
// sets `why` when libvulkan.so.1 or vkGetInstanceProcAddr is missing.
bool load_loader(Fns& f, std::string& why);
// Resolves the instance-level functions; false (with `why`) when one is missing.
bool load_instance_fns(Fns& f, VkInstance instance, std::string& why);
// Resolves the device-level functions; throws tern::Error when one is missing.
void load_device_fns(Fns& f, VkDevice device);

// "VK_ERROR_OUT_OF_DEVICE_MEMORY", ... for messages.
const char* result_name(VkResult r);
// Throws tern::Error("Vulkan: <what> failed: <result>") unless r is VK_SUCCESS.
void check(VkResult r, const char* what);

}  // namespace tern::vk
