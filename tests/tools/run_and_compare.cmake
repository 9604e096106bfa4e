# Test driver, run with `cmake -P`:
#   GEN, CHECK (optional), WORK, PROFILE, FORMAT, SIZE_MB (optional), MODE = deterministic | readable
# deterministic: the same seed twice gives identical bytes and manifests; another seed gives other bytes.
# readable:      libpcap reads the capture back and it matches the manifest.
set(extra "")
if(SIZE_MB)
  set(extra --size-mb ${SIZE_MB})
endif()
function(generate name seed)
  execute_process(COMMAND ${GEN} --profile ${PROFILE} --format ${FORMAT} --seed ${seed} ${extra}
                          --out ${WORK}/${name}.pcap --manifest ${WORK}/${name}.json
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "spanwatch-gen failed (${rc}) for ${name}")
  endif()
endfunction()

file(MAKE_DIRECTORY ${WORK})
if(MODE STREQUAL "deterministic")
  generate(first 7)
  generate(second 7)
  generate(other 8)
  foreach(ext pcap json)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/first.${ext} ${WORK}/second.${ext}
                    RESULT_VARIABLE same)
    if(NOT same EQUAL 0)
      message(FATAL_ERROR "two runs with seed 7 differ (${ext})")
    endif()
  endforeach()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/first.pcap ${WORK}/other.pcap
                  RESULT_VARIABLE same)
  if(same EQUAL 0)
    message(FATAL_ERROR "seeds 7 and 8 gave identical captures")
  endif()
elseif(MODE STREQUAL "readable")
  generate(capture 1)
  execute_process(COMMAND ${CHECK} ${WORK}/capture.pcap ${WORK}/capture.json RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the capture does not match its manifest")
  endif()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
file(REMOVE_RECURSE ${WORK})
