// Vulkan tests: a device is required in CI (lavapipe, mesa-vulkan-drivers) and skipped elsewhere.
#pragma once

#include "tern/devices.h"

#include <QtTest>

#define TERN_REQUIRE_VULKAN()                                                                          \
    do {                                                                                               \
        const ::tern::DeviceList vk_list_ = ::tern::list_vulkan_devices();                             \
        if (vk_list_.devices.empty()) {                                                                \
            if (!qEnvironmentVariableIsEmpty("CI"))                                                    \
                QFAIL(qPrintable("no Vulkan device (required in CI): " + QString::fromStdString(vk_list_.error))); \
            QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vk_list_.error)));         \
        }                                                                                              \
    } while (0)
