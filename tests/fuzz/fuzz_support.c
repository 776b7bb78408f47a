/* fuzz_support.c — files and splitting for the fuzz harnesses. */
#define _GNU_SOURCE  /* memfd_create */
#include "fuzz_support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/scratch.h"

static void die(const char *what)
{
    perror(what);
    abort();
}

const char *fuzz_memfile(int slot, const uint8_t *data, size_t size)
{
    static int fds[4] = {-1, -1, -1, -1};
    static char paths[4][64];
    if (slot < 0 || slot >= 4)
        abort();
    if (fds[slot] < 0) {
        fds[slot] = memfd_create("fuzz_input", MFD_CLOEXEC);
        if (fds[slot] < 0)
            die("memfd_create");
        snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d", fds[slot]);
    }
    if (ftruncate(fds[slot], 0) != 0)
        die("ftruncate");
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(fds[slot], data + done, size - done, (off_t)done);
        if (w <= 0)
            die("pwrite");
        done += (size_t)w;
    }
    return paths[slot];
}

static char scratch[256];

static void scratch_cleanup(void)
{
    if (scratch[0])
        scratch_dir_remove(scratch);
}

const char *fuzz_scratch_dir(void)
{
    if (!scratch[0]) {
        if (scratch_dir_make(scratch, sizeof scratch, NULL, "tf_fuzz_", SCRATCH_UNGUARDED) != 0)
            die("scratch_dir_make");
        atexit(scratch_cleanup);
    }
    return scratch;
}

void fuzz_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        die(path);
}

void fuzz_mkdir(const char *path)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        die(path);
}

void fuzz_remove(const char *path)
{
    if (access(path, F_OK) == 0 && scratch_dir_remove(path) != 0)
        die(path);
}

int fuzz_split(const uint8_t *data, size_t size, const uint8_t **parts, size_t *lens, int n)
{
    static const char sep[] = FUZZ_SEPARATOR;
    const size_t sep_len = sizeof sep - 1;
    int found = 0;
    const uint8_t *at = data;
    size_t left = size;
    while (found < n - 1) {
        const uint8_t *hit = memmem(at, left, sep, sep_len);
        if (!hit)
            break;
        parts[found] = at;
        lens[found] = (size_t)(hit - at);
        found++;
        left -= (size_t)(hit - at) + sep_len;
        at = hit + sep_len;
    }
    parts[found] = at;
    lens[found] = left;
    found++;
    for (int i = found; i < n; i++) {
        parts[i] = data + size;
        lens[i] = 0;
    }
    return found;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        die("malloc");
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void fuzz_quiet_stdout(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    fflush(stdout);
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
        die("/dev/null");
    close(fd);
}
