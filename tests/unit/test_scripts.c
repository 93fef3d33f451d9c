/* test_scripts.c - the slow suites: scripts that build and run generated code.
 *
 * end_to_end: one case per tests/e2e/CASE.sh, run with bash from the repository root;
 *   it must exit 0.  Its output is kept in $BUILD/e2e/CASE.log.
 * codegen: one case per check of tests/codegen/all.sh --list (each network, expf,
 *   two_models), run by tests/codegen/check.sh; its report is $BUILD/codegen/CASE.log.
 *
 * The scripts are independent, and mostly compiler runs and single-threaded trainings,
 * so the first of the two suites to start runs every active case of both at once, one
 * per processor and the longest first (tests/slow.sh, which leaves each one's exit
 * status in CASE.status beside its log); then each case reports its own result.
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

/* Append " SUITE/CASE" for each active case of the active suite SUITE to cmd; the count. */
static int add_jobs(char **cmd, size_t *len, const char *suite)
{
    int jobs = 0;
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
        if (strcmp(s->pName, suite) != 0 || !s->fActive)
            continue;
        for (CU_pTest t = s->pTest; t; t = t->pNext) {
            if (!t->fActive)
                continue;
            size_t need = *len + strlen(suite) + strlen(t->pName) + 3;
            char *grown = realloc(*cmd, need);
            if (!grown)
                return jobs;
            *cmd = grown;
            *len += (size_t)sprintf(*cmd + *len, " %s/%s", suite, t->pName);
            jobs++;
        }
    }
    return jobs;
}

/* Both suites' init: the first call runs the active cases of both, side by side. */
static int run_slow_jobs(void)
{
    static int done;
    if (done)
        return 0;
    done = 1;
    const char *start = "sh tests/slow.sh";
    size_t len = strlen(start);
    char *cmd = malloc(len + 1);
    if (!cmd)
        return -1;
    memcpy(cmd, start, len + 1);
    int jobs = add_jobs(&cmd, &len, "codegen") + add_jobs(&cmd, &len, "end_to_end");
    printf("\ncodegen and end_to_end: %d script%s, run side by side before the cases report "
           "(logs in %s/codegen/ and %s/e2e/)\n", jobs, jobs == 1 ? "" : "s", test_build(), test_build());
    fflush(stdout);
    if (system(cmd) != 0)    /* the results are the cases' to report */
        printf("run_tests: %s failed\n", start);
    free(cmd);
    return 0;
}

/* The case's result from DIR/CASE.status; when it failed, its log (the last `lines`,
 * 0: all of it) and a failure naming the script (a format of the case's name). */
static void report(const char *dir, const char *script, int lines)
{
    const char *suite = CU_get_current_suite()->pName, *name = test_case_name();
    char status_path[1024], log[1024], what[1024];
    snprintf(status_path, sizeof status_path, "%s/%s/%s.status", test_build(), dir, name);
    snprintf(log, sizeof log, "%s/%s/%s.log", test_build(), dir, name);
    snprintf(what, sizeof what, script, name);
    size_t len;
    char *status = test_read_file(status_path, &len);
    if (!status)
        test_fail("%s/%s: %s did not run (no %s)", suite, name, what, status_path);
    else if (strcmp(status, "0\n") != 0) {
        print_log(log, lines);
        test_fail("%s/%s: %s exited %.*s (%s above; all of it in %s)", suite, name, what,
                  (int)strcspn(status, "\n"), status, lines ? "its last lines" : "its report", log);
    }
    free(status);
}

static void check_script(void)
{
    report("e2e", "tests/e2e/%s.sh", 20);
}

static void check_codegen(void)
{
    report("codegen", "tests/codegen/check.sh NETC %s", 0);
}

void end_to_end_register(void)
{
    test_add_file_cases("end_to_end", "tests/e2e", ".sh", check_script, run_slow_jobs, NULL);
}

void codegen_register(void)
{
    CU_pSuite suite = CU_add_suite("codegen", run_slow_jobs, NULL);
    char *list = NULL;
    if (test_run("sh tests/codegen/all.sh --list", &list) == 0 && list)
        for (char *name = strtok(list, "\n"); name; name = strtok(NULL, "\n"))
            CU_add_test(suite, name, check_codegen);
    free(list);
}
