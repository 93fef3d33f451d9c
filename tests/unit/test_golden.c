/* test_golden.c - netc's output against files kept in the repository; `make golden`
 * rewrites those files from the current output, for review with git diff.
 *
 * diagnostics: one case per tests/diagnostics/CASE.net, checked with `netc --check`;
 *   its stderr must equal CASE.err byte for byte (caret lines included), and the exit
 *   status must be 1 when CASE.err holds an error, else 0.
 * snapshots: one case per tests/snapshots/CASE.cmd, a netc command that writes to out/
 *   (generate.sh runs it); what it writes must equal tests/snapshots/CASE/, file for file.
 *
 * A difference is printed as a unified diff, expected (-) against netc's output (+).
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* Run a diff command; print what it prints.  Returns 1 when the two sides are equal. */
static int same_or_print_diff(const char *diff_command)
{
    char *out = NULL;
    int status = test_run(diff_command, &out);
    if (status != 0) {
        printf("\n%s", out ? out : "");
        fflush(stdout);
    }
    free(out);
    return status == 0;
}

static void check_diagnostic(void)
{
    const char *name = test_case_name();
    char net[512], err[512], actual[600], cmd[2400];
    snprintf(net, sizeof net, "tests/diagnostics/%s.net", name);
    snprintf(err, sizeof err, "tests/diagnostics/%s.err", name);
    test_path(actual, sizeof actual, "stderr");
    snprintf(cmd, sizeof cmd, "%s --check %s 2>%s >/dev/null", test_netc(), net, actual);
    int status = test_run(cmd, NULL);

    size_t len;
    char *expected = test_read_file(err, &len);
    if (!expected) {
        test_fail("diagnostics/%s: cannot read %s (make golden writes it)", name, err);
        return;
    }
    snprintf(cmd, sizeof cmd, "diff -u --label %s --label 'netc --check %s' %s %s", err, net, err, actual);
    if (!same_or_print_diff(cmd))
        test_fail("diagnostics/%s: netc's messages differ from %s (diff above; make golden accepts them)",
                  name, err);
    int want = strstr(expected, ": error:") ? 1 : 0;
    if (status != want)
        test_fail("diagnostics/%s: netc --check exited %d, expected %d", name, status, want);
    free(expected);
}

static void check_snapshot(void)
{
    const char *name = test_case_name();
    char actual[600], cmd[2400];
    test_path(actual, sizeof actual, name);
    snprintf(cmd, sizeof cmd, "sh tests/snapshots/generate.sh %s %s %s 2>&1", test_netc(), name, actual);
    char *log = NULL;
    if (test_run(cmd, &log) != 0) {
        printf("\n%s", log ? log : "");
        test_fail("snapshots/%s: tests/snapshots/%s.cmd failed (its output above)", name, name);
    } else {
        snprintf(cmd, sizeof cmd, "diff -ru tests/snapshots/%s %s", name, actual);
        if (!same_or_print_diff(cmd))
            test_fail("snapshots/%s: netc's output differs from tests/snapshots/%s/ (diff above; "
                      "make golden accepts it)", name, name);
    }
    free(log);
    test_remove_dir(actual);
}

void diagnostics_register(void)
{
    test_add_file_cases("diagnostics", "tests/diagnostics", ".net", check_diagnostic, test_scratch_init,
                        test_scratch_cleanup);
}

void snapshots_register(void)
{
    test_add_file_cases("snapshots", "tests/snapshots", ".cmd", check_snapshot, test_scratch_init,
                        test_scratch_cleanup);
}
