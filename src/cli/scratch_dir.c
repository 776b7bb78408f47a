/* scratch_dir.c — removing a temporary directory, from a signal handler too.
 *
 * A signal handler may only call async-signal-safe functions, and
 * opendir/readdir/snprintf are not. So the directory's path is copied
 * before the handler can run, and the removal reads the directory with
 * the getdents64 system call into a buffer on the stack and removes with
 * unlinkat: no allocation, no stdio, no locks. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE  /* syscall() */
#endif
#include "cli/scratch_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

static char guarded[4096];
static volatile sig_atomic_t armed;

static const int guarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_SIGNALS ((int)(sizeof guarded_signals / sizeof guarded_signals[0]))

#ifdef __linux__
/* The kernel's record for getdents64 (linux/dirent.h, not in libc's headers). */
struct dirent64_record {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Remove everything in the open directory fd; depth: how many levels of
 * subdirectories to go into. Removing while reading may make the kernel
 * skip names, so read again from the start until a pass removes nothing. */
static void empty_dir(int fd, int depth)
{
    char buf[4096] __attribute__((aligned(8)));
    for (int pass = 0; pass < 8; pass++) {
        int removed = 0;
        if (lseek(fd, 0, SEEK_SET) != 0)
            return;
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                const struct dirent64_record *e = (const void *)(buf + off);
                off += e->d_reclen;
                const char *name = e->d_name;
                if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
                    continue;
                if (unlinkat(fd, name, 0) == 0) {
                    removed = 1;
                } else if (depth > 0) {
                    int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
                    if (sub >= 0) {
                        empty_dir(sub, depth - 1);
                        close(sub);
                    }
                    removed |= unlinkat(fd, name, AT_REMOVEDIR) == 0;
                }
            }
        }
        if (!removed)
            return;
    }
}
#endif

static void remove_tree(const char *dir)
{
#ifdef __linux__
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd >= 0) {
        empty_dir(fd, 1);
        close(fd);
    }
#endif
    rmdir(dir);  /* elsewhere only an empty directory goes */
}

static void on_signal(int sig)
{
    int saved = errno;
    if (armed) {
        armed = 0;
        remove_tree(guarded);
    }
    errno = saved;
    /* SA_RESETHAND put the default action back; the signal is blocked
     * while this runs and arrives again on return, ending the program
     * with the status a shell expects (130 for Ctrl-C). */
    raise(sig);
}

int scratch_dir_make(char *dir, size_t cap, const char *prefix)
{
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = "/tmp";
    int n = snprintf(dir, cap, "%s/%s-XXXXXX", base, prefix);
    if (n < 0 || (size_t)n >= cap || (size_t)n >= sizeof guarded) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!mkdtemp(dir))
        return -1;
    armed = 0;
    memcpy(guarded, dir, (size_t)n + 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_SIGNALS; i++)
        sigaddset(&sa.sa_mask, guarded_signals[i]);  /* one removal at a time */
    for (int i = 0; i < N_SIGNALS; i++) {
        struct sigaction old;
        /* a signal the shell ignores (nohup, a background job's SIGINT)
         * stays ignored */
        if (sigaction(guarded_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(guarded_signals[i], &sa, NULL);
    }
    armed = 1;
    return 0;
}

void scratch_dir_remove(const char *dir)
{
    if (armed && strcmp(dir, guarded) == 0)
        armed = 0;
    remove_tree(dir);
}
