#include "io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Directory part of path ("." when it has none), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static void free_paths(AtomicFile *af)
{
    free(af->path);
    free(af->tmp_path);
    af->path = NULL;
    af->tmp_path = NULL;
}

Status atomic_file_open(AtomicFile *af, const char *path, Error *err)
{
    memset(af, 0, sizeof *af);
    if (!path || !path[0] || path[strlen(path) - 1] == '/')
        return error_set(err, TF_ERR_INPUT, "'%s': not a file name", path ? path : "");

    /* "dir/.base.XXXXXX": hidden, beside the destination. */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = (size_t)(base - path);
    size_t cap = strlen(path) + sizeof ".XXXXXX" + 1;
    af->path = strdup(path);
    af->tmp_path = malloc(cap);
    if (!af->path || !af->tmp_path) {
        free_paths(af);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    snprintf(af->tmp_path, cap, "%.*s.%s.XXXXXX", (int)dir_len, path, base);

    int fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        int e = errno;
        char *dir = dir_of(path);
        Status s = error_set(err, TF_ERR_RUNTIME, "%s: cannot create a file in directory '%s': %s",
                             path, dir ? dir : "?", strerror(e));
        if (e == ENOENT)
            error_hint(err, "create the directory first");
        free(dir);
        free_paths(af);
        return s;
    }
    af->f = fdopen(fd, "wb");
    if (!af->f) {
        int e = errno;
        close(fd);
        unlink(af->tmp_path);
        free_paths(af);
        return error_set(err, TF_ERR_RUNTIME, "%s: %s", path, strerror(e));
    }
    return TF_OK;
}

void atomic_file_discard(AtomicFile *af)
{
    if (af->f) {
        fclose(af->f);
        af->f = NULL;
    }
    if (af->tmp_path)
        unlink(af->tmp_path);
    free_paths(af);
}

/* Make the rename itself durable; failure here is not worth an error
 * (some file systems refuse fsync on directories). */
static void sync_dir(const char *path)
{
    char *dir = dir_of(path);
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

Status atomic_file_commit(AtomicFile *af, Error *err)
{
    if (!af->f) {
        atomic_file_discard(af);
        return error_set(err, TF_ERR_RUNTIME, "atomic_file_commit: file is not open");
    }
    /* mkstemp makes the file 0600; outputs are ordinary files. */
    mode_t mask = umask(0);
    umask(mask);
    int fd = fileno(af->f);
    const char *step = "write";
    int ok = fflush(af->f) == 0 && !ferror(af->f);
    if (ok) {
        step = "fsync";
        ok = fsync(fd) == 0;
    }
    if (ok) {
        step = "chmod";
        ok = fchmod(fd, 0666 & ~mask) == 0;
    }
    int e = errno;
    if (fclose(af->f) != 0 && ok) {
        e = errno;
        step = "close";
        ok = 0;
    }
    af->f = NULL;
    if (ok && rename(af->tmp_path, af->path) != 0) {
        e = errno;
        step = "rename";
        ok = 0;
    }
    if (!ok) {
        Status s = error_set(err, TF_ERR_RUNTIME, "%s: %s failed: %s", af->path, step,
                             e ? strerror(e) : "I/O error");
        atomic_file_discard(af);
        return s;
    }
    sync_dir(af->path);
    free_paths(af);
    return TF_OK;
}
