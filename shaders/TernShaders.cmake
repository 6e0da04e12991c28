# Compiles shaders/*.comp with glslc (one SPIR-V module per variant) and embeds them in a generated
# C++ file (shaders/EmbedSpirv.cmake) as uint32_t arrays: no shader compiler is needed at run time.
#
# A variant is "<output name>:<source>[:DEFINE ...]"; the backend looks modules up by output name.
set(TERN_SHADER_VARIANTS
  "get_rows_f32:get_rows.comp:WTYPE_F32" "get_rows_f16:get_rows.comp:WTYPE_F16"
  "get_rows_q4_0:get_rows.comp:WTYPE_Q4_0" "get_rows_q8_0:get_rows.comp:WTYPE_Q8_0"
  "get_rows_tq1_0:get_rows.comp:WTYPE_TQ1_0" "get_rows_tq2_0:get_rows.comp:WTYPE_TQ2_0"
  "mul_mat_f32:mul_mat.comp:WTYPE_F32" "mul_mat_f16:mul_mat.comp:WTYPE_F16"
  "mul_mat_q4_0:mul_mat.comp:WTYPE_Q4_0" "mul_mat_q8_0:mul_mat.comp:WTYPE_Q8_0"
  "mul_mat_tq1_0:mul_mat.comp:WTYPE_TQ1_0" "mul_mat_tq2_0:mul_mat.comp:WTYPE_TQ2_0"
  "quantize_q8_0:quantize.comp:XTYPE_Q8_0" "quantize_q8_k:quantize.comp:XTYPE_Q8_K"
  "quantize_q8_k_row:quantize.comp:XTYPE_Q8_K_ROW"
  "rms_norm:rms_norm.comp" "rope:rope.comp" "kv_store:kv_store.comp" "attention:attention.comp"
  "kv_store_f16:kv_store.comp:KV_F16" "attention_f16:attention.comp:KV_F16"
  "softmax:softmax.comp" "top_k:top_k.comp" "moe_weights:moe_weights.comp"
  "elementwise:elementwise.comp" "moe_sum:moe_sum.comp")

function(tern_compile_shaders out_cpp)
  set(src_dir "${PROJECT_SOURCE_DIR}/shaders")
  set(bin_dir "${CMAKE_CURRENT_BINARY_DIR}/shaders")
  file(MAKE_DIRECTORY "${bin_dir}")
  file(GLOB includes CONFIGURE_DEPENDS "${src_dir}/*.glsl")
  set(spvs)
  set(names)
  foreach(v IN LISTS TERN_SHADER_VARIANTS)
    string(REPLACE ":" ";" parts "${v}")
    list(GET parts 0 name)
    list(GET parts 1 source)
    set(defines)
    list(LENGTH parts n_parts)
    if(n_parts GREATER 2)
      list(SUBLIST parts 2 -1 defines)
    endif()
    set(flags)
    foreach(d IN LISTS defines)
      list(APPEND flags "-D${d}")
    endforeach()
    set(spv "${bin_dir}/${name}.spv")
    add_custom_command(OUTPUT "${spv}"
      COMMAND "${TERN_GLSLC}" --target-env=vulkan1.1 -O -I "${src_dir}" ${flags} -o "${spv}" "${src_dir}/${source}"
      DEPENDS "${src_dir}/${source}" ${includes}
      COMMENT "glslc ${source} → ${name}.spv" VERBATIM)
    list(APPEND spvs "${spv}")
    list(APPEND names "${name}")
  endforeach()
  set(cpp "${CMAKE_CURRENT_BINARY_DIR}/tern_spirv.cpp")
  add_custom_command(OUTPUT "${cpp}"
    COMMAND "${CMAKE_COMMAND}" "-DOUT=${cpp}" "-DDIR=${bin_dir}" "-DNAMES=${names}"
            -P "${PROJECT_SOURCE_DIR}/shaders/EmbedSpirv.cmake"
    DEPENDS ${spvs} "${PROJECT_SOURCE_DIR}/shaders/EmbedSpirv.cmake"
    COMMENT "Embedding SPIR-V modules" VERBATIM)
  set(${out_cpp} "${cpp}" PARENT_SCOPE)
endfunction()
