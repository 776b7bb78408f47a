/* signal_cleanup.c — removing registered temporaries, from a signal handler too. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE  /* syscall() */
#endif
#include "io/signal_cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

/* A slot is filled while disarmed and armed last, so the handler never
 * reads a path being written. */
static char slot_path[SIGNAL_CLEANUP_SLOTS][PATH_MAX];
static CleanupKind slot_kind[SIGNAL_CLEANUP_SLOTS];
static volatile sig_atomic_t slot_armed[SIGNAL_CLEANUP_SLOTS];

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_SIGNALS ((int)(sizeof cleanup_signals / sizeof cleanup_signals[0]))

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

/* Remove dir, its files and two levels of subdirectories: from the
 * handler, so only with async-signal-safe calls (io/scratch_dir.c removes
 * at any depth outside a handler). */
static void remove_tree(const char *dir)
{
#ifdef __linux__
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd >= 0) {
        empty_dir(fd, 2);
        close(fd);
    }
#endif
    rmdir(dir);  /* elsewhere only an empty directory goes */
}

int signal_cleanup_add(const char *path, CleanupKind kind)
{
    size_t n = strlen(path);
    if (n >= PATH_MAX)
        return -1;
    for (int i = 0; i < SIGNAL_CLEANUP_SLOTS; i++) {
        if (slot_armed[i])
            continue;
        memcpy(slot_path[i], path, n + 1);
        slot_kind[i] = kind;
        slot_armed[i] = 1;
        return i;
    }
    return -1;
}

void signal_cleanup_hold(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < N_SIGNALS; i++)
        sigaddset(&set, cleanup_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

void signal_cleanup_release(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

void signal_cleanup_drop(int slot)
{
    if (slot >= 0 && slot < SIGNAL_CLEANUP_SLOTS)
        slot_armed[slot] = 0;
}

void signal_cleanup_drop_path(const char *path)
{
    for (int i = 0; i < SIGNAL_CLEANUP_SLOTS; i++)
        if (slot_armed[i] && strcmp(slot_path[i], path) == 0)
            slot_armed[i] = 0;
}

static void on_signal(int sig)
{
    int saved = errno;
    for (int i = 0; i < SIGNAL_CLEANUP_SLOTS; i++) {
        if (!slot_armed[i])
            continue;
        slot_armed[i] = 0;
        if (slot_kind[i] == CLEANUP_TREE)
            remove_tree(slot_path[i]);
        else
            unlink(slot_path[i]);
    }
    errno = saved;
    /* SA_RESETHAND put the default action back; the signal is blocked
     * while this runs and arrives again on return, ending the program
     * with the status a shell expects (130 for Ctrl-C). */
    raise(sig);
}

void signal_cleanup_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_SIGNALS; i++)
        sigaddset(&sa.sa_mask, cleanup_signals[i]);  /* one removal at a time */
    for (int i = 0; i < N_SIGNALS; i++) {
        struct sigaction old;
        if (sigaction(cleanup_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        if (old.sa_handler == on_signal)
            continue;
        sigaction(cleanup_signals[i], &sa, NULL);
    }
}
