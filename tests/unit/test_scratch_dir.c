/* test_scratch_dir.c — temporary directories (io/scratch_dir.h): made
 * fresh and private where asked ($TMPDIR, /tmp, or a given parent), never
 * half-made; removed whole at any depth without following links; a
 * guarded one goes when a signal ends the program, and stops being
 * guarded once removed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/scratch_dir.h"

#include "../support/scratch.h"

static bool is_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* "PARENT/STEM" then six characters of mkdtemp's, a new empty 0700 dir. */
static void assert_fresh(const char *dir, const char *prefix)
{
    size_t n = strlen(prefix);
    assert_int_equal(strncmp(dir, prefix, n), 0);
    assert_int_equal(strlen(dir), n + 6);
    struct stat st;
    assert_int_equal(lstat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(scratch_count_files(dir), 0);
}

static void test_make_where_asked(void **state)
{
    Scratch *s = *state;
    char dir[512], want[512];

    /* a given parent, with and without its trailing '/' */
    assert_int_equal(scratch_dir_make(dir, sizeof dir, s->dir, "stem-", SCRATCH_UNGUARDED), 0);
    snprintf(want, sizeof want, "%s/stem-", s->dir);
    assert_fresh(dir, want);
    char slash[300];
    snprintf(slash, sizeof slash, "%s/", s->dir);
    char dir2[512];
    assert_int_equal(scratch_dir_make(dir2, sizeof dir2, slash, ".hidden.", SCRATCH_UNGUARDED), 0);
    snprintf(want, sizeof want, "%s/.hidden.", s->dir);
    assert_fresh(dir2, want);
    assert_string_not_equal(dir, dir2);
    assert_int_equal(scratch_count_files(s->dir), 2);

    /* no parent: $TMPDIR, or /tmp when it is unset or empty */
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    assert_int_equal(setenv("TMPDIR", s->dir, 1), 0);
    char dir3[512];
    assert_int_equal(scratch_dir_make(dir3, sizeof dir3, NULL, "tmp-", SCRATCH_UNGUARDED), 0);
    snprintf(want, sizeof want, "%s/tmp-", s->dir);
    assert_fresh(dir3, want);
    assert_int_equal(setenv("TMPDIR", "", 1), 0);
    char dir4[512];
    assert_int_equal(scratch_dir_make(dir4, sizeof dir4, NULL, "tf_scratch_dir_test_", SCRATCH_UNGUARDED), 0);
    assert_fresh(dir4, "/tmp/tf_scratch_dir_test_");
    assert_int_equal(scratch_dir_remove(dir4), 0);
    assert_false(exists(dir4));
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
}

/* A path that does not fit, or a parent that is not there: -1, errno set,
 * nothing made. */
static void test_make_fails_cleanly(void **state)
{
    Scratch *s = *state;
    char small[16];
    errno = 0;
    assert_int_equal(scratch_dir_make(small, sizeof small, s->dir, "stem-", SCRATCH_GUARDED), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    char dir[512];
    size_t need = strlen(s->dir) + strlen("/stem-XXXXXX");
    assert_int_equal(scratch_dir_make(dir, need, s->dir, "stem-", SCRATCH_UNGUARDED), -1);  /* no room for NUL */
    assert_int_equal(errno, ENAMETOOLONG);
    assert_int_equal(scratch_count_files(s->dir), 0);

    char missing[400];
    snprintf(missing, sizeof missing, "%s/not-there", s->dir);
    errno = 0;
    assert_int_equal(scratch_dir_make(dir, sizeof dir, missing, "stem-", SCRATCH_GUARDED), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(scratch_count_files(s->dir), 0);
}

static void put_file(const char *dir, const char *name)
{
    char p[600];
    if (snprintf(p, sizeof p, "%s/%s", dir, name) >= (int)sizeof p)
        fail_msg("path too long: %s/%s", dir, name);
    scratch_write(p, "x", 1);
}

/* Removal goes to any depth, through read-only directories, and removes
 * links without following them. */
static void test_remove_whole_tree(void **state)
{
    Scratch *s = *state;
    char outside[400], outside_dir[400];
    snprintf(outside, sizeof outside, "%s/outside.txt", s->dir);
    snprintf(outside_dir, sizeof outside_dir, "%s/outside-dir", s->dir);
    scratch_write(outside, "keep", 4);
    assert_int_equal(mkdir(outside_dir, 0700), 0);
    put_file(outside_dir, "inner.txt");

    char dir[512];
    assert_int_equal(scratch_dir_make(dir, sizeof dir, s->dir, "tree-", SCRATCH_GUARDED), 0);
    char p[600];
    snprintf(p, sizeof p, "%s", dir);
    for (int depth = 0; depth < 6; depth++) {
        put_file(p, "f.txt");
        put_file(p, ".hidden");
        size_t n = strlen(p);
        snprintf(p + n, sizeof p - n, "/d%d", depth);
        assert_int_equal(mkdir(p, 0700), 0);
    }
    char link1[600], link2[600], ro[600];
    snprintf(link1, sizeof link1, "%s/to-file", dir);
    snprintf(link2, sizeof link2, "%s/d0/to-dir", dir);
    assert_int_equal(symlink(outside, link1), 0);
    assert_int_equal(symlink(outside_dir, link2), 0);
    snprintf(ro, sizeof ro, "%s/d0/read-only", dir);
    assert_int_equal(mkdir(ro, 0700), 0);
    put_file(ro, "locked.txt");
    assert_int_equal(chmod(ro, 0500), 0);

    assert_int_equal(scratch_dir_remove(dir), 0);
    assert_false(exists(dir));
    assert_true(exists(outside));
    assert_true(is_dir(outside_dir));
    assert_int_equal(scratch_count_files(outside_dir), 1);

    /* already gone: nothing to do; a file: unlinked */
    assert_int_equal(scratch_dir_remove(dir), 0);
    assert_int_equal(scratch_dir_remove(outside), 0);
    assert_false(exists(outside));
}

/* A child makes directories and is ended by SIGTERM: the guarded one it
 * still holds goes, the guarded one it removed (and made again by hand)
 * is no longer guarded and stays, an unguarded one stays. */
static void test_signal_removes_guarded(void **state)
{
    Scratch *s = *state;
    char paths[3][512];  /* guarded, removed and made again, unguarded */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        char p[3][512];
        if (scratch_dir_make(p[0], sizeof p[0], s->dir, "guarded-", SCRATCH_GUARDED) != 0 ||
            scratch_dir_make(p[1], sizeof p[1], s->dir, "dropped-", SCRATCH_GUARDED) != 0 ||
            scratch_dir_make(p[2], sizeof p[2], s->dir, "plain-", SCRATCH_UNGUARDED) != 0)
            _exit(3);
        put_file(p[0], "a.trace");
        char sub[600];
        snprintf(sub, sizeof sub, "%s/run-1", p[0]);
        if (mkdir(sub, 0700) != 0)
            _exit(4);
        put_file(sub, "main.trace");
        if (scratch_dir_remove(p[1]) != 0 || mkdir(p[1], 0700) != 0)
            _exit(5);
        if (write(fds[1], p, sizeof p) != (ssize_t)sizeof p)
            _exit(6);
        close(fds[1]);
        raise(SIGTERM);
        _exit(7);
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], paths, sizeof paths), (ssize_t)sizeof paths);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    assert_false(exists(paths[0]));
    assert_true(is_dir(paths[1]));
    assert_true(is_dir(paths[2]));
    assert_int_equal(scratch_count_files(s->dir), 2);
}

#define T(f) cmocka_unit_test_prestate_setup_teardown(f, scratch_setup, scratch_teardown, NULL)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_make_where_asked),
        T(test_make_fails_cleanly),
        T(test_remove_whole_tree),
        T(test_signal_removes_guarded),
    };
    return cmocka_run_group_tests_name("scratch_dir", tests, NULL, NULL);
}
