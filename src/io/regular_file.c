/* regular_file.c — open for reading only what is a regular file. */
#include "io/regular_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Status regular_fopen(const char *path, FILE **out, Error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, TF_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        Status s = error_set(err, TF_ERR_RUNTIME, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return s;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return error_set(err, TF_ERR_INPUT, "%s: not a regular file (%s)", path, file_kind_name(st.st_mode));
    }
    /* A regular file never blocks; clear the flag so reads are ordinary. */
    int flags = fcntl(fd, F_GETFL);
    FILE *f = flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        Status s = error_set(err, TF_ERR_RUNTIME, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return s;
    }
    *out = f;
    return TF_OK;
}
