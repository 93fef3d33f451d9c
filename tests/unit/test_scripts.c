/* test_scripts.c - the slow suites: scripts that build and run generated code.
 *
 * end_to_end: one case per tests/e2e/CASE.sh, run with bash from the repository root;
 *   it must exit 0.  Its output is kept in $BUILD/e2e/CASE.log.
 * codegen: one case per check of tests/codegen/all.sh --list (each network, expf,
 *   two_models).  The checks are mostly compiler runs and independent, so the suite's
 *   init runs all the selected ones at once, one per processor (all.sh -o
 *   $BUILD/codegen); then each case reads its own result, CASE.status and CASE.log.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* Print a log's last lines (what a failed script said last), all of it for lines = 0. */
static void print_log(const char *log, int lines)
{
    char cmd[1200];
    if (lines > 0)
        snprintf(cmd, sizeof cmd, "tail -n %d %s", lines, log);
    else
        snprintf(cmd, sizeof cmd, "cat %s", log);
    char *out = NULL;
    test_run(cmd, &out);
    printf("\n%s", out ? out : "");
    fflush(stdout);
    free(out);
}

static void run_script(void)
{
    const char *name = test_case_name();
    char log[1024], cmd[2400];
    snprintf(log, sizeof log, "%s/e2e/%s.log", test_build(), name);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/e2e && bash tests/e2e/%s.sh > %s 2>&1", test_build(), name, log);
    int status = test_run(cmd, NULL);
    if (status != 0) {
        print_log(log, 20);
        test_fail("end_to_end/%s: tests/e2e/%s.sh exited %d (its last lines above; all of it in %s)", name,
                  name, status, log);
    }
}

void end_to_end_register(void)
{
    test_add_file_cases("end_to_end", "tests/e2e", ".sh", run_script, NULL, NULL);
}

/* Run the suite's active cases' checks, side by side; the cases report. */
static int codegen_run_checks(void)
{
    size_t size = 4096;
    char *cmd = malloc(size);
    if (!cmd)
        return -1;
    int len = snprintf(cmd, size, "sh tests/codegen/all.sh -o %s/codegen %s", test_build(), test_netc());
    int checks = 0;
    for (CU_pTest t = CU_get_current_suite()->pTest; t; t = t->pNext)
        if (t->fActive && (size_t)len + strlen(t->pName) + 64 < size) {
            len += snprintf(cmd + len, size - (size_t)len, " %s", t->pName);
            checks++;
        }
    printf("codegen: %d check%s, run side by side before the cases report (in %s/codegen/)\n", checks,
           checks == 1 ? "" : "s", test_build());
    fflush(stdout);
    snprintf(cmd + len, size - (size_t)len, " > %s/codegen.log 2>&1", test_build());
    test_run(cmd, NULL);      /* its status is the cases' to report */
    free(cmd);
    return 0;
}

static void check_codegen(void)
{
    const char *name = test_case_name();
    char path[1024];
    snprintf(path, sizeof path, "%s/codegen/%s.status", test_build(), name);
    size_t len;
    char *status = test_read_file(path, &len);
    snprintf(path, sizeof path, "%s/codegen/%s.log", test_build(), name);
    if (!status)
        test_fail("codegen/%s: no result from tests/codegen/all.sh (see %s/codegen.log)", name, test_build());
    else if (strcmp(status, "0\n") != 0) {
        print_log(path, 0);
        test_fail("codegen/%s: failed (its report above and in %s)", name, path);
    }
    free(status);
}

void codegen_register(void)
{
    CU_pSuite suite = CU_add_suite("codegen", codegen_run_checks, NULL);
    char *list = NULL;
    if (test_run("sh tests/codegen/all.sh --list", &list) == 0 && list)
        for (char *name = strtok(list, "\n"); name; name = strtok(NULL, "\n"))
            CU_add_test(suite, name, check_codegen);
    free(list);
}
