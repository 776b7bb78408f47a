/* scratch.c — see scratch.h. */
#include "scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Scratch *scratch_open(const char *tag, const char *file)
{
    Scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    char stem[64];
    int len = snprintf(stem, sizeof stem, "tf_%s_", tag);
    if (len < 0 || (size_t)len >= sizeof stem ||
        scratch_dir_make(s->dir, sizeof s->dir, NULL, stem, SCRATCH_UNGUARDED) != 0) {
        free(s);
        return NULL;
    }
    if (file) {
        int n = snprintf(s->path, sizeof s->path, "%s/%s", s->dir, file);
        if (n < 0 || (size_t)n >= sizeof s->path) {
            scratch_close(s);
            return NULL;
        }
    }
    return s;
}

int scratch_close(Scratch *s)
{
    if (!s)
        return 0;
    int rc = scratch_dir_remove(s->dir);
    free(s);
    return rc;
}

int scratch_setup(void **state)
{
    *state = scratch_open("test", (const char *)*state);
    return *state ? 0 : -1;
}

int scratch_teardown(void **state)
{
    return scratch_close(*state);
}

/* Is name "." or ".."? */
static int is_dot(const char *name)
{
    return !strcmp(name, ".") || !strcmp(name, "..");
}

int scratch_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += !is_dot(e->d_name);
    closedir(d);
    return n;
}

unsigned char *scratch_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("scratch_read: cannot open %s: %s", path, strerror(errno));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long end = ftell(f);
    assert_true(end >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    size_t n = (size_t)end;
    unsigned char *b = malloc(n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, n, f), n);
    fclose(f);
    b[n] = '\0';
    if (size)
        *size = n;
    return b;
}

void scratch_write(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("scratch_write: cannot create %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(b, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}
