// Vulkan instance, device enumeration and selection, the logical device with its compute queue,
// and device buffers. One Context per Vulkan backend.
#pragma once

#include "backend/vulkan/loader.h"
#include "tern/devices.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tern::vk {

struct Instance {
    Fns f;
    VkInstance instance = VK_NULL_HANDLE;
    std::vector<VkPhysicalDevice> physical;
    std::vector<DeviceInfo> infos;   // same order as `physical`
    ~Instance();
};

// Opens the loader, creates an instance and describes every device. nullptr (and `why`) when
// Vulkan is unavailable: no loader, no driver (VK_ERROR_INCOMPATIBLE_DRIVER), no device.
std::unique_ptr<Instance> create_instance(std::string& why);

// The device to use: `requested` (>= 0) whatever its type; else the first discrete GPU, then
// integrated, then virtual GPU, then (only when allow_cpu) a CPU-type device such as lavapipe.
// -1 (and `why`) when none qualifies.
int choose_device(const std::vector<DeviceInfo>& devs, int requested, bool allow_cpu, std::string& why);

struct Buffer {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    void* mapped = nullptr;  // host-visible buffers only
    uint64_t size = 0;
};

class Context {
public:
    Context(std::unique_ptr<Instance> inst, int device_index);  // throws tern::Error
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    const Fns& f() const { return inst_->f; }
    VkDevice device() const { return device_; }
    VkQueue queue() const { return queue_; }
    uint32_t queue_family() const { return queue_family_; }
    const DeviceInfo& info() const { return info_; }
    uint64_t max_binding_bytes() const { return max_binding_; }
    void set_max_binding_bytes(uint64_t b) { max_binding_ = b; }  // tests: force weight splitting

    // A storage buffer (also a transfer source and destination). host_visible: mapped, coherent
    // memory (what the host writes inputs to and reads results from); else device-local memory
    // when the device has it. Counts against the device-local budget; throws tern::Error with a
    // clear message when it would not fit.
    Buffer create_buffer(uint64_t size, bool host_visible);
    void destroy(Buffer& b);
    uint64_t allocated_bytes() const { return allocated_; }
    uint64_t budget_bytes() const { return budget_; }

private:
    uint32_t memory_type(uint32_t type_bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags avoid) const;

    std::unique_ptr<Instance> inst_;
    VkPhysicalDevice phys_ = VK_NULL_HANDLE;
    DeviceInfo info_;
    VkPhysicalDeviceMemoryProperties mem_{};
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    uint32_t queue_family_ = 0;
    uint64_t max_binding_ = 0;
    uint64_t allocated_ = 0, budget_ = 0;
};

}  // namespace tern::vk
