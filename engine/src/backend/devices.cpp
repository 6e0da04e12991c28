// Names for the public device description (tern/devices.h), shared by the Vulkan backend and the
// stub built without it.
#include "tern/devices.h"

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

}  // namespace tern
