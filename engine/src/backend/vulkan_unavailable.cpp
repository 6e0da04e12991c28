// Built instead of backend/vulkan/ when CMake found no Vulkan headers or glslc (TERN_VULKAN).
#include "backend/backend.h"
#include "tern/devices.h"
#include "tern/error.h"

namespace tern {

DeviceList list_vulkan_devices() {
    DeviceList out;
    out.error = "this Tern was built without the Vulkan backend";
    return out;
}

std::unique_ptr<Backend> make_vulkan_backend(const VulkanBackendOptions&) {
    throw Error("Vulkan unavailable: this Tern was built without the Vulkan backend");
}

}  // namespace tern
