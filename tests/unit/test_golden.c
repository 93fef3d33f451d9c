/* test_golden.c - tests that run programs and compare what they print.
 *
 * diagnostics: every tests/diagnostics/CASE.net is checked with `netc --check`; its
 *   stderr must equal CASE.err byte for byte (caret lines included), and the exit
 *   status must be 1 when CASE.err holds an error, else 0.  `make golden` rewrites
 *   the .err files from the current output, for review with git diff.
 * end_to_end: every tests/e2e/NAME.sh runs with bash from the repository root and
 *   must exit 0; its output is kept in build/e2e/NAME.log.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_util.h"

/* The sorted names in dir ending in suffix, as a NULL-terminated array. */
static char **list_dir(const char *dir, const char *suffix)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, alphasort);
    char **names = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof *names);
    int k = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(entries[i]->d_name), sl = strlen(suffix);
        if (names && len > sl && strcmp(entries[i]->d_name + len - sl, suffix) == 0)
            names[k++] = strdup(entries[i]->d_name);
        free(entries[i]);
    }
    if (n > 0)
        free(entries);
    return names;
}

/* CUnit test functions take no arguments: the current test's name says which case. */
static const char *current_case(void)
{
    return CU_get_current_test()->pName;
}

static void check_diagnostic(void)
{
    char net[512], err[512], cmd[1200];
    snprintf(net, sizeof net, "tests/diagnostics/%s", current_case());
    snprintf(err, sizeof err, "%.*s.err", (int)strlen(net) - 4, net);
    snprintf(cmd, sizeof cmd, "%s --check %s 2>&1 >/dev/null", test_netc(), net);
    size_t len;
    char *expected = test_read_file(err, &len);
    char *actual = NULL;
    int status = test_run(cmd, &actual);
    CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
    CU_ASSERT_PTR_NOT_NULL_FATAL(actual);
    int same = strcmp(expected, actual) == 0;
    if (!same)
        fprintf(stderr, "\n--- %s expected:\n%s--- got:\n%s---\n", err, expected, actual);
    CU_ASSERT(same);
    CU_ASSERT_EQUAL(status, strstr(expected, ": error:") ? 1 : 0);
    free(expected);
    free(actual);
}

static void run_script(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p build/e2e && bash tests/e2e/%s > build/e2e/%s.log 2>&1",
             current_case(), current_case());
    int status = test_run(cmd, NULL);
    if (status != 0)
        fprintf(stderr, "\n%s failed (exit %d); its output: build/e2e/%s.log\n", current_case(), status,
                current_case());
    CU_ASSERT_EQUAL(status, 0);
}

static void add_cases(const char *suite_name, const char *dir, const char *suffix, CU_TestFunc fn)
{
    CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
    char **names = list_dir(dir, suffix);
    for (int i = 0; names && names[i]; i++) {
        CU_add_test(suite, names[i], fn);     /* CUnit keeps a copy of the name */
        free(names[i]);
    }
    free(names);
}

void diagnostics_register(void)
{
    add_cases("diagnostics", "tests/diagnostics", ".net", check_diagnostic);
}

void end_to_end_register(void)
{
    add_cases("end_to_end", "tests/e2e", ".sh", run_script);
}
