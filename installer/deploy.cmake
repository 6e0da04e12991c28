# Copies Qt into the Windows install tree and the macOS bundle at install time (so into the NSIS,
# ZIP and DragNDrop packages), with the QML modules that ui/*.qml imports. Linux packages use the
# distribution's Qt instead, so nothing happens there. Neither path can be built or tested on the
# project's Linux machines; see installer/README.md for what each needs.
if(NOT (WIN32 OR APPLE))
  return()
endif()

# windeployqt / macdeployqt sit beside qmake in Qt's bin folder.
get_target_property(_tern_qmake Qt6::qmake IMPORTED_LOCATION)
get_filename_component(_tern_qt_bin "${_tern_qmake}" DIRECTORY)
if(WIN32)
  find_program(TERN_DEPLOYQT windeployqt HINTS "${_tern_qt_bin}")
else()
  find_program(TERN_DEPLOYQT macdeployqt HINTS "${_tern_qt_bin}")
endif()
if(NOT TERN_DEPLOYQT)
  message(WARNING "windeployqt/macdeployqt not found beside ${_tern_qmake}: the package will lack Qt")
  return()
endif()

set(_tern_qmldir "${PROJECT_SOURCE_DIR}/ui")
if(WIN32)
  # Qt DLLs, the platform/SQL/image plugins and the QML modules next to tern.exe. The Vulkan loader
  # (vulkan-1.dll) is not shipped: it comes with every GPU driver that supports Vulkan; without it
  # Tern runs on the CPU.
  install(CODE "
    execute_process(COMMAND \"${TERN_DEPLOYQT}\" --release --no-translations --no-compiler-runtime
        --qmldir \"${_tern_qmldir}\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/tern.exe\"
      COMMAND_ERROR_IS_FATAL ANY)
    execute_process(COMMAND \"${TERN_DEPLOYQT}\" --release --no-translations --no-compiler-runtime
        \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/tern-cli.exe\"
      COMMAND_ERROR_IS_FATAL ANY)")
  # The MSVC runtime (vcruntime140.dll, msvcp140.dll) beside the executables.
  set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION "${CMAKE_INSTALL_BINDIR}")
  include(InstallRequiredSystemLibraries)
else()
  # Qt frameworks and plugins into Tern.app/Contents/{Frameworks,PlugIns}, the QML modules into
  # Contents/Resources/qml, tern-cli fixed up too. macOS has no Vulkan driver of its own: with
  # TERN_VULKAN=ON the Vulkan loader and MoltenVK (Vulkan over Metal) from the LunarG Vulkan SDK
  # ($VULKAN_SDK) go into the bundle, with the ICD manifest where the loader looks for it.
  set(_tern_vk_sdk "$ENV{VULKAN_SDK}")
  if(TERN_VULKAN AND _tern_vk_sdk)
    install(FILES "${_tern_vk_sdk}/lib/libvulkan.1.dylib" "${_tern_vk_sdk}/lib/libMoltenVK.dylib"
      DESTINATION "Tern.app/Contents/Frameworks")
    # Our own manifest: the SDK's points into the SDK; this one, relative to itself, into the bundle.
    file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/MoltenVK_icd.json" "{\"file_format_version\": \"1.0.0\", \"ICD\": {
  \"library_path\": \"../../../Frameworks/libMoltenVK.dylib\", \"api_version\": \"1.2.0\",
  \"is_portability_driver\": true}}\n")
    install(FILES "${CMAKE_CURRENT_BINARY_DIR}/MoltenVK_icd.json" DESTINATION "Tern.app/Contents/Resources/vulkan/icd.d")
  elseif(TERN_VULKAN)
    message(WARNING "TERN_VULKAN is on but VULKAN_SDK is not set: Tern.app will have no Vulkan loader/MoltenVK")
  endif()
  install(CODE "
    execute_process(COMMAND \"${TERN_DEPLOYQT}\" \"\${CMAKE_INSTALL_PREFIX}/Tern.app\"
        -qmldir=${_tern_qmldir} -executable=\${CMAKE_INSTALL_PREFIX}/Tern.app/Contents/MacOS/tern-cli
      COMMAND_ERROR_IS_FATAL ANY)")
endif()
