/* skip.h — the suite's one skip rule, for the cmocka programs (the sh
 * scripts have the same rule in tests/support/skip.sh).
 *
 * A test that cannot run (a tool, a user or a right the machine lacks) is a
 * failure, so a machine that lacks something never passes by leaving its
 * checks out. TF_ALLOW_SKIP=1 turns that failure into a cmocka skip, said
 * on stdout and written as one line to $TF_SKIP_LOG when that is set: the
 * runner (tests/run_unit.sh) counts those lines in its summary. */
#ifndef TF_TESTS_SKIP_H
#define TF_TESTS_SKIP_H

/* The running test cannot run, for the reason why: skip it when
 * TF_ALLOW_SKIP=1, fail it otherwise. Never returns (cmocka jumps out of
 * the test). who names the test in the messages. */
void test_cannot_run(const char *who, const char *why);

#endif
