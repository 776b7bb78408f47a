/* fuzz_support.h — what the fuzz harnesses share.
 *
 * Every harness in tests/fuzz/ defines LLVMFuzzerTestOneInput and is linked
 * twice: with clang's libFuzzer (`make fuzz`, build-fuzz/) to search for
 * inputs that break it, and with regress_main.c (every `make test` build,
 * any compiler) to run the inputs kept in tests/fuzz/regress/<harness>/.
 *
 * The library reads files by path, so the input becomes a file: an
 * anonymous in-memory file (memfd) for single files, read through
 * /proc/self/fd/N, or a file in one private scratch directory per process
 * (made on first use, removed at exit) where a folder is needed. */
#ifndef TF_TESTS_FUZZ_SUPPORT_H
#define TF_TESTS_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An in-memory file holding data[0..size), as a path the library can
 * open. slot (0..3) picks one of a few files kept for the process's life:
 * each call replaces that slot's content. Aborts when memfd fails (the
 * harness cannot do its work; that is not a finding). */
const char *fuzz_memfile(int slot, const uint8_t *data, size_t size);

/* This process's scratch directory, made on the first call and removed
 * with everything in it at exit. */
const char *fuzz_scratch_dir(void);

/* Create or replace path with data[0..size). Aborts on failure. */
void fuzz_write(const char *path, const void *data, size_t size);

/* Make directory path (its parent must exist); an existing one is fine.
 * Aborts on failure. */
void fuzz_mkdir(const char *path);

/* Remove path and everything under it (nothing when it does not exist). */
void fuzz_remove(const char *path);

/* Split data at each occurrence of FUZZ_SEPARATOR into at most n parts
 * (the last part keeps any further separators). parts[i] and lens[i] point
 * into data; missing parts are empty. Returns the number of parts found. */
#define FUZZ_SEPARATOR "\n%%%%\n"
int fuzz_split(const uint8_t *data, size_t size, const uint8_t **parts, size_t *lens, int n);

/* A NUL-terminated malloc'd copy of data[0..size) (free it). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Send standard output to /dev/null (opened for writing, never replaced):
 * the command-line harness prints tables nobody reads. */
void fuzz_quiet_stdout(void);

#endif
