/* unprivileged.h — permission checks run as an unprivileged user.
 *
 * Root reads and writes anywhere, so a check that a read-only directory is
 * refused means nothing when the suite runs as root (as CI does). These
 * helpers run such a check in a child process that has dropped to the user
 * nobody first (setgroups, setgid, setuid: no way back to root), and as the
 * caller's own user when the suite is not root. A machine where root cannot
 * become nobody follows the suite's skip rule (skip.h). */
#ifndef TF_TESTS_UNPRIVILEGED_H
#define TF_TESTS_UNPRIVILEGED_H

#include <sys/types.h>

/* The user and group the check will run as: nobody's when this process is
 * root, else this process's own. Returns 0, or -1 (with why, a static
 * string) when root has no user nobody to become. */
int unprivileged_ids(uid_t *uid, gid_t *gid, const char **why);

/* Run check(arg) in a child process as unprivileged_ids' user. The check
 * returns NULL when it holds, or a sentence saying what went wrong; it must
 * not use cmocka's assertions (they belong to the parent). Fails the
 * running cmocka test when the check did not hold, crashed, or the child
 * could not drop its privileges; follows the skip rule when there is no
 * unprivileged user. who names the test in the messages. */
void unprivileged_check(const char *who, const char *(*check)(void *arg), void *arg);

#endif
