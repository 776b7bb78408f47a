#include "io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/signal_cleanup.h"

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

/* How path is to be written; st_mode of what it is (0: absent); *dest
 * (malloc'd, for ATOMIC_RENAME) the name the rename lands on: path itself,
 * or for a symbolic link the file it names, so that a link is never
 * replaced (/dev/stdout is one, and as root replacing it would break
 * every program on the machine). */
static Status target_mode(const char *path, AtomicMode *mode, mode_t *what, char **dest, Error *err)
{
    *what = 0;
    *dest = NULL;
    if (strcmp(path, "-") == 0) {
        *mode = ATOMIC_STDOUT;
        return TF_OK;
    }
    *mode = ATOMIC_RENAME;
    struct stat st, out;
    if (lstat(path, &st) != 0) {
        *dest = strdup(path);  /* absent (or unreachable: mkstemp will say why) */
        return *dest ? TF_OK : error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    const bool link = S_ISLNK(st.st_mode);
    if (link && stat(path, &st) != 0) {
        error_set(err, TF_ERR_INPUT, "'%s' is a symbolic link to a file that does not exist; it is never replaced",
                  path);
        error_hint(err, "give the name of the file itself, or remove the link");
        return TF_ERR_INPUT;
    }
    *what = st.st_mode;
    /* The file standard output already is, under another name (/dev/stdout,
     * /proc/self/fd/1 when the shell redirected to a file): written through
     * standard output, as "-" is, never replaced behind the shell's back. */
    if (fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino) {
        *mode = ATOMIC_STDOUT;
        return TF_OK;
    }
    if (S_ISREG(st.st_mode)) {
        *dest = link ? realpath(path, NULL) : strdup(path);
        return *dest ? TF_OK : error_set(err, TF_ERR_RUNTIME, "%s: %s", path, strerror(errno));
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
        *mode = ATOMIC_STREAM;
        return TF_OK;
    }
    error_set(err, TF_ERR_INPUT, "'%s' is %s; it is never written or replaced", path,
              file_kind_name(st.st_mode));
    error_hint(err, "give the name of a file to write%s", S_ISDIR(st.st_mode) ? ", inside it if you like" : "");
    return TF_ERR_INPUT;
}

static Status refuse_terminal(const char *path, Error *err)
{
    error_set(err, TF_ERR_INPUT, "'%s' is a terminal, and this output is binary", path);
    error_hint(err, "send it to a file or a pipe: -o FILE, or -o - | COMMAND, or -o - > FILE");
    return TF_ERR_INPUT;
}

/* Open fd for writing where the data goes in place; SIGPIPE ignored so a
 * closed reader is EPIPE. */
static Status open_stream(AtomicFile *af, int fd, const char *path, Error *err)
{
    signal(SIGPIPE, SIG_IGN);
    af->f = fdopen(fd, "wb");
    if (!af->f) {
        int e = errno;
        close(fd);
        free_paths(af);
        return error_set(err, TF_ERR_RUNTIME, "%s: %s", path, strerror(e));
    }
    return TF_OK;
}

static Status open_any(AtomicFile *af, const char *path, bool text, Error *err)
{
    memset(af, 0, sizeof *af);
    af->cleanup_slot = -1;
    if (!path || !path[0] || path[strlen(path) - 1] == '/')
        return error_set(err, TF_ERR_INPUT, "'%s': not a file name", path ? path : "");
    mode_t what;
    char *dest;
    Status s = target_mode(path, &af->mode, &what, &dest, err);
    if (s != TF_OK)
        return s;
    af->path = dest ? dest : strdup(path);
    if (!af->path)
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);

    if (af->mode == ATOMIC_STDOUT) {
        if (!text && isatty(STDOUT_FILENO)) {
            free_paths(af);
            return refuse_terminal("standard output", err);
        }
        fflush(stdout);  /* what was printed before comes first */
        int fd = dup(STDOUT_FILENO);  /* closing af->f must not close stdout */
        if (fd < 0) {
            int e = errno;
            free_paths(af);
            return error_set(err, TF_ERR_RUNTIME, "standard output: %s", strerror(e));
        }
        return open_stream(af, fd, path, err);
    }
    if (af->mode == ATOMIC_STREAM) {
        /* No O_CREAT, no O_TRUNC: the node is written, never made. */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            free_paths(af);
            return error_set(err, TF_ERR_RUNTIME, "%s: cannot open %s for writing: %s", path,
                             file_kind_name(what), strerror(e));
        }
        /* It may have been replaced between the look and the open: write in
         * place only what is still a device or a FIFO. */
        if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) {
            close(fd);
            free_paths(af);
            return error_set(err, TF_ERR_RUNTIME, "%s: changed while being opened (now %s); not written", path,
                             file_kind_name(st.st_mode));
        }
        if (!text && isatty(fd)) {
            close(fd);
            free_paths(af);
            return refuse_terminal(path, err);
        }
        return open_stream(af, fd, path, err);
    }

    /* "dir/.base.XXXXXX": hidden, beside the destination (a link's file). */
    const char *at = af->path;
    const char *slash = strrchr(at, '/');
    const char *base = slash ? slash + 1 : at;
    size_t dir_len = (size_t)(base - at);
    size_t cap = strlen(at) + sizeof ".XXXXXX" + 1;
    af->tmp_path = malloc(cap);
    if (!af->tmp_path) {
        free_paths(af);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    snprintf(af->tmp_path, cap, "%.*s.%s.XXXXXX", (int)dir_len, at, base);

    sigset_t held;
    signal_cleanup_hold(&held);  /* no signal between making and registering */
    int fd = mkstemp(af->tmp_path);
    if (fd >= 0)
        af->cleanup_slot = signal_cleanup_add(af->tmp_path, CLEANUP_FILE);
    signal_cleanup_release(&held);
    if (fd < 0) {
        int e = errno;
        char *dir = dir_of(path);
        s = error_set(err, TF_ERR_RUNTIME, "%s: cannot create a file in directory '%s': %s", path,
                      dir ? dir : "?", strerror(e));
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
        signal_cleanup_drop(af->cleanup_slot);
        af->cleanup_slot = -1;
        free_paths(af);
        return error_set(err, TF_ERR_RUNTIME, "%s: %s", path, strerror(e));
    }
    return TF_OK;
}

Status atomic_file_open(AtomicFile *af, const char *path, Error *err)
{
    return open_any(af, path, false, err);
}

Status atomic_file_open_text(AtomicFile *af, const char *path, Error *err)
{
    return open_any(af, path, true, err);
}

Status atomic_file_check(const char *path, bool text, Error *err)
{
    if (!path || !path[0] || path[strlen(path) - 1] == '/')
        return error_set(err, TF_ERR_INPUT, "'%s': not a file name", path ? path : "");
    AtomicMode mode;
    mode_t what;
    char *dest;
    Status s = target_mode(path, &mode, &what, &dest, err);
    if (s != TF_OK)
        return s;
    free(dest);
    if (mode == ATOMIC_STDOUT)
        return !text && isatty(STDOUT_FILENO) ? refuse_terminal("standard output", err) : TF_OK;
    if (mode == ATOMIC_STREAM) {
        if (access(path, W_OK) != 0) {
            int e = errno;
            return error_set(err, TF_ERR_RUNTIME, "%s: cannot write to %s: %s", path, file_kind_name(what),
                             strerror(e));
        }
        return TF_OK;
    }
    AtomicFile af;
    s = open_any(&af, path, text, err);
    if (s == TF_OK)
        atomic_file_discard(&af);
    return s;
}

void atomic_file_discard(AtomicFile *af)
{
    if (af->f) {
        fclose(af->f);
        af->f = NULL;
    }
    if (af->tmp_path)
        unlink(af->tmp_path);
    signal_cleanup_drop(af->cleanup_slot);
    af->cleanup_slot = -1;
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

/* The destination, looked at again just before the rename: NULL when it
 * may be replaced (absent or a regular file), else what it is. */
static const char *not_replaceable(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode))
        return NULL;
    return file_kind_name(st.st_mode);
}

static Status commit_stream(AtomicFile *af, Error *err)
{
    const char *name = af->mode == ATOMIC_STDOUT ? "standard output" : af->path;
    int ok = fflush(af->f) == 0 && !ferror(af->f);
    int e = errno;
    if (fclose(af->f) != 0 && ok) {
        e = errno;
        ok = 0;
    }
    af->f = NULL;
    Status s = TF_OK;
    if (!ok)
        s = error_set(err, TF_ERR_RUNTIME, "%s: write failed: %s", name, e ? strerror(e) : "I/O error");
    free_paths(af);
    return s;
}

Status atomic_file_commit(AtomicFile *af, Error *err)
{
    if (!af->f) {
        atomic_file_discard(af);
        return error_set(err, TF_ERR_RUNTIME, "atomic_file_commit: file is not open");
    }
    if (af->mode != ATOMIC_RENAME)
        return commit_stream(af, err);
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
    const char *became = ok ? not_replaceable(af->path) : NULL;
    if (became) {
        Status s = error_set(err, TF_ERR_RUNTIME, "%s: became %s while it was written; not replaced", af->path,
                             became);
        atomic_file_discard(af);
        return s;
    }
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
    signal_cleanup_drop(af->cleanup_slot);  /* after the rename: no window without a guard */
    af->cleanup_slot = -1;
    sync_dir(af->path);
    free_paths(af);
    return TF_OK;
}

Status atomic_file_place(const char *from, const char *to, Error *err)
{
    AtomicMode mode;
    mode_t what;
    char *dest;
    Status s = target_mode(to, &mode, &what, &dest, err);
    if (s != TF_OK)
        return s;
    if (mode == ATOMIC_RENAME) {
        const char *became = not_replaceable(dest);
        if (became)
            s = error_set(err, TF_ERR_RUNTIME, "%s: is %s; not replaced", to, became);
        else if (rename(from, dest) != 0)
            s = error_set(err, TF_ERR_RUNTIME, "%s: cannot write: %s", to, strerror(errno));
        free(dest);
        return s;
    }
    /* A device or FIFO (a link to /dev/null, say): copy the bytes in. */
    FILE *in = fopen(from, "rb");
    if (!in) {
        int e = errno;
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot read: %s", from, strerror(e));
    }
    AtomicFile af;
    s = atomic_file_open(&af, to, err);
    if (s == TF_OK) {
        char buf[65536];
        size_t n;
        int e = 0;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, af.f) != n) {
                e = errno;
                break;
            }
        if (e || ferror(in)) {
            atomic_file_discard(&af);
            s = error_set(err, TF_ERR_RUNTIME, "%s: write failed: %s", to, e ? strerror(e) : "read error");
        } else {
            s = atomic_file_commit(&af, err);
        }
    }
    fclose(in);
    if (s == TF_OK)
        unlink(from);
    return s;
}
