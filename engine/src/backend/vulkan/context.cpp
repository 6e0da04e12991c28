#include "backend/vulkan/context.h"

#include "tern/error.h"

#include <algorithm>
#include <cstring>

namespace tern::vk {

Instance::~Instance() {
    if (instance != VK_NULL_HANDLE && f.vkDestroyInstance) f.vkDestroyInstance(instance, nullptr);
}

namespace {

DeviceType device_type(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return DeviceType::INTEGRATED_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return DeviceType::DISCRETE_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return DeviceType::VIRTUAL_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return DeviceType::CPU;
    default: return DeviceType::OTHER;
    }
}

std::string version_string(uint32_t v) {
    return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
           std::to_string(VK_API_VERSION_PATCH(v));
}

DeviceInfo describe(const Fns& f, VkPhysicalDevice pd, int index) {
    DeviceInfo d;
    d.index = index;
    VkPhysicalDeviceSubgroupProperties sub{};
    sub.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    VkPhysicalDeviceProperties2 p2{};
    p2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    p2.pNext = &sub;
    f.vkGetPhysicalDeviceProperties2(pd, &p2);
    const VkPhysicalDeviceProperties& p = p2.properties;
    d.name = p.deviceName;
    d.type = device_type(p.deviceType);
    d.api_version = version_string(p.apiVersion);
    d.subgroup_size = sub.subgroupSize;
    d.max_storage_buffer_range = p.limits.maxStorageBufferRange;

    VkPhysicalDeviceMemoryProperties mem{};
    f.vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    for (uint32_t h = 0; h < mem.memoryHeapCount; ++h) {
        d.heap_bytes.push_back(mem.memoryHeaps[h].size);
        if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
            d.device_local_bytes = std::max<uint64_t>(d.device_local_bytes, mem.memoryHeaps[h].size);
    }

    uint32_t n_ext = 0;
    f.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n_ext, nullptr);
    std::vector<VkExtensionProperties> exts(n_ext);
    f.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n_ext, exts.data());
    bool dot_ext = false;
    for (const auto& e : exts)
        if (std::strcmp(e.extensionName, "VK_KHR_shader_integer_dot_product") == 0) dot_ext = true;

    if (p.apiVersion >= VK_API_VERSION_1_2) {
        VkPhysicalDeviceVulkan11Features f11{};
        f11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
        VkPhysicalDeviceVulkan12Features f12{};
        f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
        f11.pNext = &f12;
        VkPhysicalDeviceShaderIntegerDotProductFeatures fdot{};
        fdot.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
        if (dot_ext || p.apiVersion >= VK_API_VERSION_1_3) f12.pNext = &fdot;
        VkPhysicalDeviceFeatures2 feat{};
        feat.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
        feat.pNext = &f11;
        f.vkGetPhysicalDeviceFeatures2(pd, &feat);
        d.storage_16bit = f11.storageBuffer16BitAccess;
        d.storage_8bit = f12.storageBuffer8BitAccess;
        d.float16 = f12.shaderFloat16;
        d.integer_dot_product = fdot.shaderIntegerDotProduct;
    }
    return d;
}

}  // namespace

std::unique_ptr<Instance> create_instance(std::string& why) {
    auto inst = std::make_unique<Instance>();
    Fns& f = inst->f;
    if (!load_loader(f, why)) return nullptr;
    uint32_t loader_version = VK_API_VERSION_1_0;
    if (f.vkEnumerateInstanceVersion) f.vkEnumerateInstanceVersion(&loader_version);
    if (loader_version < VK_API_VERSION_1_1) {
        why = "the Vulkan loader supports only Vulkan " + version_string(loader_version) + " (1.1 needed)";
        return nullptr;
    }
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "Tern";
    app.pEngineName = "Tern";
    app.apiVersion = std::min<uint32_t>(loader_version, VK_API_VERSION_1_3);
    VkInstanceCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ci.pApplicationInfo = &app;
    const VkResult r = f.vkCreateInstance(&ci, nullptr, &inst->instance);
    if (r != VK_SUCCESS) {
        inst->instance = VK_NULL_HANDLE;
        why = r == VK_ERROR_INCOMPATIBLE_DRIVER ? std::string("no Vulkan driver (VK_ERROR_INCOMPATIBLE_DRIVER)")
                                                : std::string("vkCreateInstance failed: ") + result_name(r);
        return nullptr;
    }
    if (!load_instance_fns(f, inst->instance, why)) return nullptr;
    uint32_t n = 0;
    f.vkEnumeratePhysicalDevices(inst->instance, &n, nullptr);
    inst->physical.resize(n);
    if (n > 0) f.vkEnumeratePhysicalDevices(inst->instance, &n, inst->physical.data());
    inst->physical.resize(n);
    if (n == 0) {
        why = "no Vulkan device";
        return nullptr;
    }
    for (uint32_t i = 0; i < n; ++i) {
        inst->infos.push_back(describe(f, inst->physical[i], static_cast<int>(i)));
    }
    return inst;
}

int choose_device(const std::vector<DeviceInfo>& devs, int requested, bool allow_cpu, std::string& why) {
    if (requested >= 0) {
        if (requested >= static_cast<int>(devs.size())) {
            why = "there is no Vulkan device " + std::to_string(requested) + " (" + std::to_string(devs.size()) +
                  " found; see `tern-cli devices`)";
            return -1;
        }
        return requested;
    }
    for (DeviceType t : {DeviceType::DISCRETE_GPU, DeviceType::INTEGRATED_GPU, DeviceType::VIRTUAL_GPU, DeviceType::CPU}) {
        if (t == DeviceType::CPU && !allow_cpu) continue;
        for (const DeviceInfo& d : devs)
            if (d.type == t) return d.index;
    }
    why = "no Vulkan GPU (only CPU-type devices such as lavapipe, which run only when asked for by index)";
    return -1;
}

Context::Context(std::unique_ptr<Instance> inst, int device_index) : inst_(std::move(inst)) {
    const Fns& f = inst_->f;
    phys_ = inst_->physical.at(static_cast<size_t>(device_index));
    info_ = inst_->infos.at(static_cast<size_t>(device_index));
    f.vkGetPhysicalDeviceMemoryProperties(phys_, &mem_);
    max_binding_ = info_.max_storage_buffer_range;
    budget_ = info_.device_local_bytes;
    if (budget_ == 0)
        for (uint32_t h = 0; h < mem_.memoryHeapCount; ++h) budget_ = std::max<uint64_t>(budget_, mem_.memoryHeaps[h].size);

    uint32_t nq = 0;
    f.vkGetPhysicalDeviceQueueFamilyProperties(phys_, &nq, nullptr);
    std::vector<VkQueueFamilyProperties> qf(nq);
    f.vkGetPhysicalDeviceQueueFamilyProperties(phys_, &nq, qf.data());
    bool found = false;
    for (uint32_t i = 0; i < nq && !found; ++i)
        if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) queue_family_ = i, found = true;
    if (!found) throw Error("Vulkan device '" + info_.name + "' has no compute queue");

    const float prio = 1.0f;
    VkDeviceQueueCreateInfo qci{};
    qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    qci.queueFamilyIndex = queue_family_;
    qci.queueCount = 1;
    qci.pQueuePriorities = &prio;
    VkDeviceCreateInfo dci{};
    dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    check(f.vkCreateDevice(phys_, &dci, nullptr, &device_), "vkCreateDevice");
    load_device_fns(inst_->f, device_);
    f.vkGetDeviceQueue(device_, queue_family_, 0, &queue_);
}

Context::~Context() {
    if (device_ != VK_NULL_HANDLE) {
        f().vkDeviceWaitIdle(device_);
        f().vkDestroyDevice(device_, nullptr);
    }
}

uint32_t Context::memory_type(uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags avoid) const {
    for (uint32_t i = 0; i < mem_.memoryTypeCount; ++i) {
        const VkMemoryPropertyFlags fl = mem_.memoryTypes[i].propertyFlags;
        if ((bits & (1u << i)) && (fl & want) == want && (fl & avoid) == 0) return i;
    }
    return UINT32_MAX;
}

Buffer Context::create_buffer(uint64_t size, bool host_visible) {
    if (size == 0) size = 16;
    size = (size + 15) / 16 * 16;
    if (allocated_ + size > budget_)
        throw Error("the model does not fit in the memory of Vulkan device '" + info_.name + "': " +
                    std::to_string((allocated_ + size) >> 20) + " MiB needed, " + std::to_string(budget_ >> 20) +
                    " MiB available");
    Buffer b;
    b.size = size;
    VkBufferCreateInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bi.size = size;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(f().vkCreateBuffer(device_, &bi, nullptr, &b.buffer), "vkCreateBuffer");
    VkMemoryRequirements req{};
    f().vkGetBufferMemoryRequirements(device_, b.buffer, &req);
    uint32_t type = UINT32_MAX;
    const VkMemoryPropertyFlags hv = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    if (host_visible) {
        type = memory_type(req.memoryTypeBits, hv | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, 0);
        if (type == UINT32_MAX) type = memory_type(req.memoryTypeBits, hv, 0);
    } else {
        type = memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
        if (type == UINT32_MAX) type = memory_type(req.memoryTypeBits, 0, 0);
    }
    if (type == UINT32_MAX) {
        f().vkDestroyBuffer(device_, b.buffer, nullptr);
        throw Error("Vulkan device '" + info_.name + "' has no suitable memory type");
    }
    VkMemoryAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = type;
    const VkResult r = f().vkAllocateMemory(device_, &ai, nullptr, &b.memory);
    if (r != VK_SUCCESS) {
        f().vkDestroyBuffer(device_, b.buffer, nullptr);
        if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
            throw Error("the model does not fit in the memory of Vulkan device '" + info_.name + "' (" +
                        result_name(r) + " allocating " + std::to_string(size >> 20) + " MiB)");
        check(r, "vkAllocateMemory");
    }
    check(f().vkBindBufferMemory(device_, b.buffer, b.memory, 0), "vkBindBufferMemory");
    if (mem_.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
        check(f().vkMapMemory(device_, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped), "vkMapMemory");
    b.size = size;
    allocated_ += size;
    return b;
}

void Context::destroy(Buffer& b) {
    if (b.buffer == VK_NULL_HANDLE) return;
    if (b.mapped) f().vkUnmapMemory(device_, b.memory);
    f().vkDestroyBuffer(device_, b.buffer, nullptr);
    f().vkFreeMemory(device_, b.memory, nullptr);
    allocated_ -= std::min(allocated_, b.size);
    b = Buffer{};
}

}  // namespace tern::vk

namespace tern {

DeviceList list_vulkan_devices() {
    DeviceList out;
    auto inst = vk::create_instance(out.error);
    if (inst) out.devices = inst->infos;
    return out;
}

}  // namespace tern
