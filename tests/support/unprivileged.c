/* unprivileged.c — permission checks run as an unprivileged user
 * (unprivileged.h). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* setgroups */
#endif
#include "unprivileged.h"

#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "skip.h"

int unprivileged_ids(uid_t *uid, gid_t *gid, const char **why)
{
    if (geteuid() != 0) {
        *uid = geteuid();
        *gid = getegid();
        return 0;
    }
    const struct passwd *pw = getpwnam("nobody");
    if (!pw || pw->pw_uid == 0) {
        *why = "the suite runs as root and there is no user nobody to run the permission check as";
        return -1;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return 0;
}

/* In the child: become uid/gid for good. NULL, or what failed. */
static const char *drop_to(uid_t uid, gid_t gid)
{
    if (geteuid() != 0)
        return NULL;
    if (setgroups(0, NULL) != 0)
        return "setgroups failed";
    if (setgid(gid) != 0)
        return "setgid failed";
    if (setuid(uid) != 0)
        return "setuid failed";
    if (geteuid() == 0 || setuid(0) == 0)
        return "still root after setuid";
    return NULL;
}

void unprivileged_check(const char *who, const char *(*check)(void *arg), void *arg)
{
    uid_t uid;
    gid_t gid;
    const char *why = NULL;
    if (unprivileged_ids(&uid, &gid, &why) != 0)
        test_cannot_run(who, why);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("%s: fork failed", who);
    if (pid == 0) {
        const char *what = drop_to(uid, gid);
        if (what) {
            fprintf(stderr, "%s: cannot become uid %d: %s\n", who, (int)uid, what);
            _exit(3);
        }
        what = check(arg);
        if (what) {
            fprintf(stderr, "%s (as uid %d): %s\n", who, (int)uid, what);
            _exit(1);
        }
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        fail_msg("%s: waitpid failed", who);
    if (WIFSIGNALED(status))
        fail_msg("%s: the check died of signal %d", who, WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("%s: the check did not hold (exit %d, see above)", who, WEXITSTATUS(status));
}
