/* test_atomic_file.c — an output never replaces what is not a regular
 * file: a FIFO is written in place, a directory refused, a destination that
 * turns into a FIFO while it is written is left alone; a signal that ends
 * the program removes the temporary file; a staged directory appears whole
 * or not at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "io/signal_cleanup.h"
#include "io/staged_dir.h"

#include "../support/scratch.h"

static mode_t kind_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

static void test_regular_renamed(void **state)
{
    Scratch *s = *state;
    AtomicFile af;
    Error err;
    assert_int_equal(atomic_file_open(&af, s->path, &err), TF_OK);
    assert_int_equal(af.mode, ATOMIC_RENAME);
    fputs("hello", af.f);
    assert_int_equal(scratch_count_files(s->dir), 1);  /* the temporary only */
    assert_int_equal(atomic_file_commit(&af, &err), TF_OK);
    size_t n;
    unsigned char *b = scratch_read(s->path, &n);
    assert_int_equal(n, 5);
    free(b);
    assert_int_equal(scratch_count_files(s->dir), 1);
}

/* A FIFO is opened in place (a child reads it); it stays a FIFO and gets
 * the bytes. */
static void test_fifo_in_place(void **state)
{
    Scratch *s = *state;
    assert_int_equal(mkfifo(s->path, 0600), 0);
    char out[300];
    snprintf(out, sizeof out, "%s/read", s->dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *in = fopen(s->path, "rb"), *o = fopen(out, "wb");
        int c;
        while (in && o && (c = fgetc(in)) != EOF)
            fputc(c, o);
        _exit(in && o && fclose(o) == 0 ? 0 : 1);
    }
    AtomicFile af;
    Error err;
    assert_int_equal(atomic_file_open(&af, s->path, &err), TF_OK);
    assert_int_equal(af.mode, ATOMIC_STREAM);
    fputs("through the fifo", af.f);
    assert_int_equal(atomic_file_commit(&af, &err), TF_OK);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(kind_of(s->path), S_IFIFO);
    unsigned char *b = scratch_read(out, NULL);
    assert_string_equal((char *)b, "through the fifo");
    free(b);
    assert_int_equal(scratch_count_files(s->dir), 2);  /* the FIFO and what was read */
}

static void test_directory_refused(void **state)
{
    Scratch *s = *state;
    AtomicFile af;
    Error err;
    assert_int_equal(atomic_file_open(&af, s->dir, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "is a directory"));
    assert_int_equal(atomic_file_check(s->dir, false, &err), TF_ERR_INPUT);
    assert_int_equal(scratch_count_files(s->dir), 0);
}

/* Open while absent; a FIFO appears under the name before commit: commit
 * refuses to rename over it and removes the temporary file. */
static void test_became_fifo(void **state)
{
    Scratch *s = *state;
    AtomicFile af;
    Error err;
    assert_int_equal(atomic_file_open(&af, s->path, &err), TF_OK);
    fputs("data", af.f);
    assert_int_equal(mkfifo(s->path, 0600), 0);
    assert_int_equal(atomic_file_commit(&af, &err), TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "became a FIFO"));
    assert_int_equal(kind_of(s->path), S_IFIFO);
    assert_int_equal(scratch_count_files(s->dir), 1);
}

/* A child opens a temporary file and is ended by SIGTERM: the handler
 * removes the file and the child ends of the signal. */
static void test_signal_removes_temporary(void **state)
{
    Scratch *s = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal_cleanup_install();
        AtomicFile af;
        Error err;
        if (atomic_file_open(&af, s->path, &err) != TF_OK)
            _exit(3);
        fputs("partial", af.f);
        fflush(af.f);
        raise(SIGTERM);
        _exit(4);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    assert_int_equal(scratch_count_files(s->dir), 0);
}

/* Staged into an existing directory: other files stay, a failure leaves
 * it as it was, a commit replaces the file of the same name. */
static void test_staged_dir(void **state)
{
    Scratch *s = *state;
    char keep[300], out[300], sub[300];
    snprintf(keep, sizeof keep, "%s/notes.txt", s->dir);
    snprintf(out, sizeof out, "%s/a.txt", s->dir);
    scratch_write(keep, "mine", 4);
    scratch_write(out, "old", 3);
    StagedDir sd;
    Error err;
    char path[400];
    assert_int_equal(staged_dir_open(&sd, s->dir, &err), TF_OK);
    snprintf(path, sizeof path, "%s/a.txt", sd.stage);
    scratch_write(path, "new", 3);
    staged_dir_abort(&sd);
    unsigned char *b = scratch_read(out, NULL);
    assert_string_equal((char *)b, "old");
    free(b);
    assert_int_equal(scratch_count_files(s->dir), 2);

    assert_int_equal(staged_dir_open(&sd, s->dir, &err), TF_OK);
    snprintf(path, sizeof path, "%s/a.txt", sd.stage);
    scratch_write(path, "new", 3);
    assert_int_equal(staged_dir_commit(&sd, &err), TF_OK);
    b = scratch_read(out, NULL);
    assert_string_equal((char *)b, "new");
    free(b);
    assert_int_equal(scratch_count_files(s->dir), 2);

    /* a new directory (and its missing parent) appear whole, or not at all */
    snprintf(sub, sizeof sub, "%s/p/q", s->dir);
    assert_int_equal(staged_dir_open(&sd, sub, &err), TF_OK);
    staged_dir_abort(&sd);
    assert_int_equal(scratch_count_files(s->dir), 2);
    assert_int_equal(staged_dir_open(&sd, sub, &err), TF_OK);
    snprintf(path, sizeof path, "%s/x.txt", sd.stage);
    scratch_write(path, "x", 1);
    assert_int_equal(staged_dir_commit(&sd, &err), TF_OK);
    assert_int_equal(scratch_count_files(sub), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_regular_renamed, scratch_setup, scratch_teardown, "out.bin"),
        cmocka_unit_test_prestate_setup_teardown(test_fifo_in_place, scratch_setup, scratch_teardown, "fifo"),
        cmocka_unit_test_prestate_setup_teardown(test_directory_refused, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_became_fifo, scratch_setup, scratch_teardown, "out.bin"),
        cmocka_unit_test_prestate_setup_teardown(test_signal_removes_temporary, scratch_setup, scratch_teardown,
                                                 "out.bin"),
        cmocka_unit_test_prestate_setup_teardown(test_staged_dir, scratch_setup, scratch_teardown, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
