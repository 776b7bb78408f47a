/* train_cache.c — training traces kept for next time (train_cache.h). */
#include "run/train_cache.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "io/regular_file.h"
#include "trace/trace.h"

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

/* The hash of this executable's bytes, once per process; 0 when it cannot
 * be read (then nothing is kept). */
static uint64_t program_hash(void)
{
    static int done;
    static uint64_t h;
    if (done)
        return h;
    done = 1;
    FILE *f = fopen("/proc/self/exe", "rb");
    if (!f)
        return h = 0;
    uint64_t x = FNV_OFFSET;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        x = fnv(x, buf, n);
    h = ferror(f) ? 0 : x;
    fclose(f);
    return h;
}

/* Is dir a directory owned by us that only we may write to? */
static bool dir_is_ours(const char *dir)
{
    struct stat st;
    return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
           (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* Make dir (0700) unless it exists. */
static bool make_dir(const char *dir)
{
    return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

/* The cache directory into buf; false when there is none to use. */
static bool cache_dir(char *buf, size_t cap, bool create)
{
    const char *env = getenv("TRACEFORMER_CACHE");
    if (env && (strcmp(env, "off") == 0 || !env[0]))
        return false;
    char base[1024];
    int n;
    if (env) {
        n = snprintf(base, sizeof base, "%s", env);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && xdg[0] == '/')
            n = snprintf(base, sizeof base, "%s/traceformer", xdg);
        else if (home && home[0] == '/') {
            char dot[1024];
            if (snprintf(dot, sizeof dot, "%s/.cache", home) >= (int)sizeof dot)
                return false;
            if (create && !make_dir(dot))
                return false;
            n = snprintf(base, sizeof base, "%s/traceformer", dot);
        } else
            return false;
    }
    if (n <= 0 || (size_t)n >= sizeof base)
        return false;
    if (create && !make_dir(base))
        return false;
    n = snprintf(buf, cap, "%s/train", base);
    if (n <= 0 || (size_t)n >= cap)
        return false;
    if (create && !make_dir(buf))
        return false;
    return dir_is_ours(base) && dir_is_ours(buf);
}

/* The kept file's name for meta: train-PROGRAM-META.trace. */
static bool entry_path(const char *meta, char *buf, size_t cap, bool create)
{
    const uint64_t prog = program_hash();
    if (!prog)
        return false;
    char dir[1100];
    if (!cache_dir(dir, sizeof dir, create))
        return false;
    const uint64_t key = fnv(FNV_OFFSET, meta, strlen(meta));
    int n = snprintf(buf, cap, "%s/train-%016" PRIx64 "-%016" PRIx64 ".trace", dir, prog, key);
    return n > 0 && (size_t)n < cap;
}

/* Copy the regular file from to path, complete or not at all. */
static bool copy_file(const char *from, const char *to)
{
    FILE *in;
    Error err = {0};
    if (regular_fopen(from, &in, &err) != TF_OK)
        return false;
    AtomicFile af;
    bool ok = atomic_file_open(&af, to, &err) == TF_OK;
    if (ok) {
        unsigned char buf[65536];
        size_t n;
        while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
            ok = fwrite(buf, 1, n, af.f) == n;
        ok = ok && !ferror(in);
        if (ok)
            ok = atomic_file_commit(&af, &err) == TF_OK;
        else
            atomic_file_discard(&af);
    }
    fclose(in);
    return ok;
}

bool train_cache_fetch(const char *meta, const char *path)
{
    char entry[1400];
    if (!entry_path(meta, entry, sizeof entry, false))
        return false;
    /* a sound trace whose meta is this one, or nothing */
    TraceReader *r;
    Error err = {0};
    if (trace_reader_open(&r, entry, &err) != TF_OK)
        return false;
    const bool same = strcmp(trace_reader_meta(r), meta) == 0;
    trace_reader_close(r);
    return same && copy_file(entry, path);
}

/* Remove the entries another build of the program kept. */
static void remove_other_builds(const char *dir, uint64_t prog)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char mine[32];
    snprintf(mine, sizeof mine, "train-%016" PRIx64 "-", prog);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "train-", 6) != 0 || strncmp(e->d_name, mine, strlen(mine)) == 0)
            continue;
        char p[1400];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p)
            unlink(p);
    }
    closedir(d);
}

void train_cache_store(const char *meta, const char *path)
{
    char entry[1400], dir[1100];
    if (!entry_path(meta, entry, sizeof entry, true) || !cache_dir(dir, sizeof dir, false))
        return;
    remove_other_builds(dir, program_hash());
    copy_file(path, entry);
}
