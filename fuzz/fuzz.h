/* Shared declarations of berth's fuzz targets.
 *
 * Every fuzz_<name>.c defines the libFuzzer entry point below. The same
 * file is linked either with libFuzzer (clang, -Dfuzz=true) or with
 * replay.c, which feeds it the files of a seed corpus (the meson tests). */
#ifndef BERTH_FUZZ_H
#define BERTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reply framing harnesses push the input through a socket buffer: larger
 * inputs are cut to this size so that one write always fits. */
#define FUZZ_SOCKET_INPUT_MAX (60 * 1024)

#endif
