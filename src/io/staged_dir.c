#include "io/staged_dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "io/scratch_dir.h"
#include "io/signal_cleanup.h"

static void staged_free(StagedDir *sd)
{
    free(sd->target);
    free(sd->stage);
    free(sd->made);
    memset(sd, 0, sizeof *sd);
}

/* mkdir -p dir; *made gets the topmost directory that did not exist. */
static Status make_parents(const char *dir, char **made, Error *err)
{
    char *p = strdup(dir);
    if (!p)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    Status s = TF_OK;
    for (char *c = p + 1;; c++) {
        bool end = *c == '\0';
        if (*c != '/' && !end)
            continue;
        *c = '\0';
        struct stat st;
        if (mkdir(p, 0777) == 0) {
            if (!*made && !(*made = strdup(p)))
                s = error_set(err, TF_ERR_RUNTIME, "out of memory");
        } else if (!(errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))) {
            int e = errno == EEXIST ? ENOTDIR : errno;
            s = error_set(err, TF_ERR_RUNTIME, "%s: cannot create directory: %s", p, strerror(e));
        }
        if (end || s != TF_OK)
            break;
        *c = '/';
    }
    free(p);
    return s;
}

/* Remove the directories make_parents made, deepest first (rmdir: only
 * empty ones go, so nothing of anyone else's). */
static void remove_made(const char *target, const char *made)
{
    if (!made)
        return;
    char *p = strdup(target);
    if (!p)
        return;
    size_t stop = strlen(made);
    for (;;) {
        char *slash = strrchr(p, '/');
        if (!slash || (size_t)(slash - p) < stop)
            break;
        *slash = '\0';
        if (strlen(p) >= stop)
            rmdir(p);
    }
    free(p);
}

Status staged_dir_open(StagedDir *sd, const char *target, Error *err)
{
    memset(sd, 0, sizeof *sd);
    size_t n = strlen(target);
    while (n > 1 && target[n - 1] == '/')
        n--;
    if (n == 0)
        return error_set(err, TF_ERR_INPUT, "no output directory given");
    sd->target = strndup(target, n);
    sd->stage = malloc(n + 64);
    if (!sd->target || !sd->stage) {
        staged_free(sd);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    struct stat st;
    Status s = TF_OK;
    if (stat(sd->target, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            s = error_set(err, TF_ERR_INPUT, "'%s' is %s, not a directory", sd->target, file_kind_name(st.st_mode));
            staged_free(sd);
            return s;
        }
        if (scratch_dir_make(sd->stage, n + 64, sd->target, ".traceformer-stage-", SCRATCH_GUARDED) != 0)
            s = error_set(err, TF_ERR_RUNTIME, "%s: cannot create a directory in it: %s", sd->target,
                          strerror(errno));
    } else {
        sd->fresh = true;
        const char *slash = strrchr(sd->target, '/');
        if (slash && slash != sd->target) {
            char *parent = strndup(sd->target, (size_t)(slash - sd->target));
            s = parent ? make_parents(parent, &sd->made, err) : error_set(err, TF_ERR_RUNTIME, "out of memory");
            free(parent);
        }
        /* ".DIR.XXXXXX" in DIR's parent (the current directory when DIR
         * names none) */
        const char *base = slash ? slash + 1 : sd->target;
        char *dir_part = strndup(sd->target, (size_t)(base - sd->target));
        char *stem = malloc(strlen(base) + 3);
        if (s == TF_OK && (!dir_part || !stem)) {
            s = error_set(err, TF_ERR_RUNTIME, "out of memory");
        } else if (s == TF_OK) {
            sprintf(stem, ".%s.", base);
            if (scratch_dir_make(sd->stage, n + 64, dir_part, stem, SCRATCH_GUARDED) != 0)
                s = error_set(err, TF_ERR_RUNTIME, "%s: cannot create a directory beside it: %s", sd->target,
                              strerror(errno));
        }
        free(dir_part);
        free(stem);
    }
    if (s != TF_OK) {
        remove_made(sd->target, sd->made);
        staged_free(sd);
        return s;
    }
    return TF_OK;
}

void staged_dir_abort(StagedDir *sd)
{
    if (sd->stage) {
        scratch_dir_remove(sd->stage);
        remove_made(sd->target, sd->made);
    }
    staged_free(sd);
}

/* The names in dir (not . and ..), malloc'd; NULL-terminated. */
static char **list_names(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n + 1 >= cap) {
            char **more = realloc(names, (cap *= 2) * sizeof *names);
            if (!more)
                break;
            names = more;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (names)
        names[n] = NULL;
    return names;
}

static void free_names(char **names)
{
    for (size_t k = 0; names && names[k]; k++)
        free(names[k]);
    free(names);
}

/* Move the files of from into to (one level of subdirectories: depth 1). */
static Status merge(const char *from, const char *to, int depth, int *moved, Error *err)
{
    char **names = list_names(from);
    if (!names)
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot read: %s", from, strerror(errno));
    Status s = TF_OK;
    for (size_t k = 0; s == TF_OK && names[k]; k++) {
        size_t cap = strlen(from) + strlen(to) + strlen(names[k]) + 2;
        char *src = malloc(cap), *dst = malloc(cap);
        struct stat st;
        if (!src || !dst) {
            s = error_set(err, TF_ERR_RUNTIME, "out of memory");
        } else {
            snprintf(src, cap, "%s/%s", from, names[k]);
            snprintf(dst, cap, "%s/%s", to, names[k]);
            if (lstat(src, &st) != 0) {
                /* gone meanwhile: nothing to move */
            } else if (S_ISREG(st.st_mode)) {
                s = atomic_file_place(src, dst, err);
                if (s == TF_OK)
                    (*moved)++;
            } else if (S_ISDIR(st.st_mode) && depth > 0) {
                struct stat ds;
                if (mkdir(dst, 0777) != 0 && !(errno == EEXIST && stat(dst, &ds) == 0 && S_ISDIR(ds.st_mode))) {
                    int e = errno == EEXIST ? ENOTDIR : errno;
                    s = error_set(err, TF_ERR_RUNTIME, "%s: cannot create directory: %s", dst, strerror(e));
                } else {
                    s = merge(src, dst, depth - 1, moved, err);
                }
            }
        }
        free(src);
        free(dst);
    }
    free_names(names);
    return s;
}

Status staged_dir_commit(StagedDir *sd, Error *err)
{
    Status s = TF_OK;
    if (sd->fresh) {
        if (rename(sd->stage, sd->target) != 0) {
            int e = errno;
            s = error_set(err, TF_ERR_RUNTIME, "%s: cannot put the written files in place: %s; nothing was written",
                          sd->target, strerror(e));
            staged_dir_abort(sd);
            return s;
        }
        /* mkdtemp made it 0700; an output directory is an ordinary one */
        mode_t mask = umask(0);
        umask(mask);
        chmod(sd->target, 0777 & ~mask);
        signal_cleanup_drop_path(sd->stage);  /* the name is the output's now */
        staged_free(sd);
        return TF_OK;
    }
    int moved = 0;
    s = merge(sd->stage, sd->target, 1, &moved, err);
    if (s != TF_OK && moved > 0) {
        Error inner = *err;
        error_set(err, s, "%s (%d file%s of this run had already replaced those in %s)", inner.msg, moved,
                  moved == 1 ? "" : "s", sd->target);
    }
    scratch_dir_remove(sd->stage);
    staged_free(sd);
    return s;
}
