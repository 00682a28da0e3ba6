# Writes one completion script from the built veil, as install would ship it:
#   cmake -DVEIL=path/to/veil -DARGS=completion:bash -DOUT=file -P completion.cmake
string(REPLACE ":" ";" ARGS "${ARGS}")
execute_process(COMMAND ${VEIL} ${ARGS} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "'${VEIL} ${ARGS}' failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
