/* scratch.h — scratch files for test programs: a fresh private directory
 * under $TMPDIR (or /tmp) per test, removed with everything in it
 * afterwards, and whole-file reads and writes for tests that build, damage
 * or inspect files byte by byte.
 *
 * Most tests need only scratch_setup/scratch_teardown as their cmocka
 * fixture, then s->dir and s->path. The directory functions report failure
 * by their return value, so setup and teardown functions can pass it on;
 * scratch_read and scratch_write fail the running cmocka test instead (they
 * are called only from inside tests, where a file that cannot be read or
 * written is never the thing under test). */
#ifndef TF_TESTS_SCRATCH_H
#define TF_TESTS_SCRATCH_H

#include <stddef.h>

#include "io/scratch_dir.h" /* scratch_dir_make, scratch_dir_remove */

/* A scratch directory as a cmocka test's state: the directory and, when
 * the test works on one main file, that file's path inside it. */
typedef struct {
    char dir[256];
    char path[300];  /* dir/<file>, or "" */
} Scratch;

/* A new Scratch with a fresh directory "$TMPDIR/tf_<tag>_XXXXXX" (io/scratch_dir.h,
 * unguarded: a forked child's signal must not take it along) and path set
 * to "<dir>/<file>" (left empty when file is NULL). NULL when the directory
 * cannot be made or the path does not fit. For use in a setup function:
 *     *state = scratch_open("trace", "run.trace"); return *state ? 0 : -1; */
Scratch *scratch_open(const char *tag, const char *file);

/* Remove s's directory (scratch_dir_remove) and free s; NULL is ignored.
 * Returns scratch_dir_remove's result (0 for NULL). */
int scratch_close(Scratch *s);

/* cmocka setup and teardown functions for tests whose state is a Scratch.
 * The setup takes the main file's name (or NULL) from the initial state:
 *     cmocka_unit_test_prestate_setup_teardown(test_x, scratch_setup,
 *                                              scratch_teardown, "run.trace")
 * and replaces it with scratch_open("test", name); the teardown closes it
 * and reports scratch_close's result. */
int scratch_setup(void **state);
int scratch_teardown(void **state);

/* How many entries dir holds, "." and ".." aside — hidden files (such as an
 * atomic writer's temporaries) included. -1 when dir cannot be opened. */
int scratch_count_files(const char *dir);

/* The whole of the file at path in a new malloc'd buffer (free it), with a
 * NUL after the last byte so text can be used as a string. *size (when
 * non-NULL) receives the byte count, not counting that NUL. Fails the test
 * when the file cannot be read. */
unsigned char *scratch_read(const char *path, size_t *size);

/* Create or replace the file at path with the n bytes at b. Fails the test
 * when it cannot be written. */
void scratch_write(const char *path, const void *b, size_t n);

#endif
