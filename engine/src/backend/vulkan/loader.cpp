#include "backend/vulkan/loader.h"

#include "tern/error.h"

#include <dlfcn.h>

#include <mutex>

namespace tern::vk {

bool load_loader(Fns& f, std::string& why) {
    static std::once_flag once;
    static void* lib = nullptr;
    static std::string error;
    std::call_once(once, [] {
        lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            const char* e = dlerror();
            error = std::string("no Vulkan loader (") + (e ? e : "libvulkan.so.1 not found") + ")";
        }
    });
    if (!lib) {
        why = error;
        return false;
    }
    f.vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
    if (!f.vkGetInstanceProcAddr) {
        why = "the Vulkan loader has no vkGetInstanceProcAddr";
        return false;
    }
    f.vkCreateInstance = reinterpret_cast<PFN_vkCreateInstance>(f.vkGetInstanceProcAddr(nullptr, "vkCreateInstance"));
    f.vkEnumerateInstanceVersion =
        reinterpret_cast<PFN_vkEnumerateInstanceVersion>(f.vkGetInstanceProcAddr(nullptr, "vkEnumerateInstanceVersion"));
    if (!f.vkCreateInstance) {
        why = "the Vulkan loader has no vkCreateInstance";
        return false;
    }
    return true;
}

bool load_instance_fns(Fns& f, VkInstance instance, std::string& why) {
#define TERN_VK_LOAD(name)                                                                   \
    f.name = reinterpret_cast<PFN_##name>(f.vkGetInstanceProcAddr(instance, #name));         \
    if (!f.name) {                                                                           \
        why = "the Vulkan loader has no " #name;                                             \
        return false;                                                                        \
    }
    TERN_VK_INSTANCE_FNS(TERN_VK_LOAD)
#undef TERN_VK_LOAD
    return true;
}

void load_device_fns(Fns& f, VkDevice device) {
#define TERN_VK_LOAD(name)                                                              \
    f.name = reinterpret_cast<PFN_##name>(f.vkGetDeviceProcAddr(device, #name));        \
    if (!f.name) throw Error("Vulkan: the driver has no " #name);
    TERN_VK_DEVICE_FNS(TERN_VK_LOAD)
#undef TERN_VK_LOAD
}

const char* result_name(VkResult r) {
    switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_INCOMPLETE: return "VK_INCOMPLETE";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
    default: return "VkResult error";
    }
}

void check(VkResult r, const char* what) {
    if (r != VK_SUCCESS) throw Error(std::string("Vulkan: ") + what + " failed: " + result_name(r));
}

}  // namespace tern::vk
