// Vulkan compute devices, as the Vulkan backend sees them (`tern-cli devices`, the GUI settings).
//
// The Vulkan loader (libvulkan.so.1) is opened at run time, so a machine without a loader or a
// driver still runs Tern on the CPU: list_vulkan_devices() then returns no devices and says why.
// Indices are those of vkEnumeratePhysicalDevices and what SessionOptions::device takes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tern {

// VkPhysicalDeviceType.
enum class DeviceType { OTHER, INTEGRATED_GPU, DISCRETE_GPU, VIRTUAL_GPU, CPU };
const char* device_type_name(DeviceType t);  // "integrated GPU", "discrete GPU", "virtual GPU", "CPU", "other"

struct DeviceInfo {
    int32_t index = 0;                 // SessionOptions::device
    std::string name;                  // VkPhysicalDeviceProperties::deviceName, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    DeviceType type = DeviceType::OTHER;
    std::string api_version;           // "1.3.230"
    std::vector<uint64_t> heap_bytes;  // every memory heap's size (bytes)
    uint64_t device_local_bytes = 0;   // the largest device-local heap (bytes): the budget for weights and KV cache
    uint32_t subgroup_size = 0;        // VkPhysicalDeviceSubgroupProperties::subgroupSize
    uint64_t max_storage_buffer_range = 0;  // bytes one shader binding may address
    bool integer_dot_product = false;  // VK_KHR_shader_integer_dot_product (or Vulkan 1.3 with the feature)
    bool float16 = false;              // shaderFloat16
    bool storage_8bit = false;         // storageBuffer8BitAccess
    bool storage_16bit = false;        // storageBuffer16BitAccess
    bool is_gpu() const { return type == DeviceType::INTEGRATED_GPU || type == DeviceType::DISCRETE_GPU ||
                                 type == DeviceType::VIRTUAL_GPU; }
};

struct DeviceList {
    std::vector<DeviceInfo> devices;
    std::string error;  // why there are no devices ("" when Vulkan loaded): no loader, no driver, built without Vulkan
};

// Enumerates the Vulkan devices (creates and destroys a Vulkan instance). Never throws for a
// missing loader or driver: the reason is in DeviceList::error.
DeviceList list_vulkan_devices();

}  // namespace tern
