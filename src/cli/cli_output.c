/* cli_output.c — output paths checked up front, before any work. */
#include <stdbool.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_output.h"
#include "io/atomic_file.h"

/* What io/atomic_file refuses (a socket, a block device, binary output to
 * a terminal) or cannot do (no such directory), said before any work. */
static int output_problem(const char *command, const char *flag, const char *path)
{
    Error err;
    Status s = atomic_file_check(path, false, &err);
    if (s == TF_OK)
        return 0;
    fprintf(stderr, "traceformer %s: %s %s\n", command, flag, err.msg);
    if (err.hint[0])
        fprintf(stderr, "hint: %s\n", err.hint);
    return (int)s;
}

int cli_check_output_file(const char *command, const char *flag, const char *path, const CliInput *inputs,
                          size_t n)
{
    struct stat out;
    const size_t len = strlen(path);
    if (strcmp(path, "-") == 0)  /* standard output: only a terminal is refused */
        return output_problem(command, flag, path);
    const bool exists = stat(path, &out) == 0;
    if ((exists && S_ISDIR(out.st_mode)) || (len > 0 && path[len - 1] == '/')) {
        fprintf(stderr, "traceformer %s: %s '%s' %s; %s names the file to write\n", command, flag, path,
                exists && S_ISDIR(out.st_mode) ? "is a directory" : "names a directory (it ends in '/')", flag);
        fprintf(stderr, "hint: give a file name, inside it if you like: %s %s%sFILE\n", flag, path,
                len > 0 && path[len - 1] == '/' ? "" : "/");
        return 2;
    }
    if (!exists)
        return output_problem(command, flag, path);
    /* Same device and inode: the same file under any name (./a, a link). */
    for (size_t k = 0; k < n; k++) {
        struct stat in;
        if (inputs[k].path && stat(inputs[k].path, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
            fprintf(stderr, "traceformer %s: %s '%s' is the %s file ('%s'): writing it would replace what is read\n",
                    command, flag, path, inputs[k].flag, inputs[k].path);
            fprintf(stderr, "hint: give %s another file name\n", flag);
            return 2;
        }
    }
    return output_problem(command, flag, path);
}

bool cli_output_is_stdout(const char *path)
{
    if (!path)
        return false;
    if (strcmp(path, "-") == 0)
        return true;
    struct stat target, out;
    return stat(path, &target) == 0 && fstat(STDOUT_FILENO, &out) == 0 &&
           target.st_dev == out.st_dev && target.st_ino == out.st_ino;
}

int cli_check_output_dir(const char *command, const char *flag, const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0) {
        fprintf(stderr, "traceformer %s: %s '-': standard output cannot hold a directory of files\n", command, flag);
        fprintf(stderr, "hint: give a directory (it is created when missing); ./- names one called '-'\n");
        return 2;
    }
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "traceformer %s: %s '%s' is not a directory; %s names a directory to write into\n", command, flag,
                path, flag);
        fprintf(stderr, "hint: give a directory (it is created when missing)\n");
        return 2;
    }
    return 0;
}
