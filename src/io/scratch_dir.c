/* scratch_dir.c — temporary directories: mkdtemp to make them, a
 * depth-first walk to remove them, io/signal_cleanup to guard them. */
#include "io/scratch_dir.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/signal_cleanup.h"

int scratch_dir_make(char *dir, size_t cap, const char *parent, const char *stem, ScratchGuard guard)
{
    if (!parent) {
        parent = getenv("TMPDIR");
        if (!parent || !parent[0])
            parent = "/tmp";
    }
    size_t len = strlen(parent);
    const char *sep = len == 0 || parent[len - 1] == '/' ? "" : "/";
    int n = snprintf(dir, cap, "%s%s%sXXXXXX", parent, sep, stem);
    if (n < 0 || (size_t)n >= cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (guard == SCRATCH_UNGUARDED)
        return mkdtemp(dir) ? 0 : -1;
    /* No signal between making and registering: it would leave the
     * directory behind. */
    sigset_t held;
    signal_cleanup_hold(&held);
    int made = mkdtemp(dir) != NULL;
    int e = errno;
    if (made)
        signal_cleanup_add(dir, CLEANUP_TREE);  /* a full table: simply not guarded */
    signal_cleanup_release(&held);
    if (!made) {
        errno = e;
        return -1;
    }
    signal_cleanup_install();
    return 0;
}

static int is_dot(const char *name)
{
    return !strcmp(name, ".") || !strcmp(name, "..");
}

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? 0 : -1;
    chmod(path, 0700);  /* ours: readable to list, writable to empty */
    DIR *d = opendir(path);
    if (d) {
        size_t len = strlen(path);
        struct dirent *e;
        while ((e = readdir(d))) {
            if (is_dot(e->d_name))
                continue;
            size_t cap = len + strlen(e->d_name) + 2;
            char *sub = malloc(cap);
            if (!sub)
                break;
            snprintf(sub, cap, "%s/%s", path, e->d_name);
            remove_tree(sub);
            free(sub);
        }
        closedir(d);
    }
    return rmdir(path) == 0 ? 0 : -1;
}

int scratch_dir_remove(const char *dir)
{
    /* Guarded while it goes: a signal meanwhile finishes the removal. */
    int rc = remove_tree(dir);
    signal_cleanup_drop_path(dir);
    return rc;
}
