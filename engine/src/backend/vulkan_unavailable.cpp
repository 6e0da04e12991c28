// Built instead of backend/vulkan/ when CMake found no Vulkan headers or glslc (TERN_VULKAN).
#include "backend/backend.h"
#include "tern/devices.h"
#include "tern/error.h"

namespace tern {

const char* device_type_name(DeviceType t) {
    switch (t) {
    case DeviceType::INTEGRATED_GPU: return "integrated GPU";
    case DeviceType::DISCRETE_GPU: return "discrete GPU";
    case DeviceType::VIRTUAL_GPU: return "virtual GPU";
    case DeviceType::CPU: return "CPU";
    case DeviceType::OTHER: break;
    }
    return "other";
}

DeviceList list_vulkan_devices() {
    DeviceList out;
    out.error = "this Tern was built without the Vulkan backend";
    return out;
}

std::unique_ptr<Backend> make_vulkan_backend(const VulkanBackendOptions&) {
    throw Error("Vulkan unavailable: this Tern was built without the Vulkan backend");
}

}  // namespace tern
