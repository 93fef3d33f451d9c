/* run_tests.c - the CUnit runner behind `make test` and `make check`.
 *
 *   run_tests                 every suite, then CUnit's summary (make check)
 *   run_tests --quick         the quick tier (make test): every suite but the SLOW ones
 *   run_tests SUITE...        the suites whose names start with SUITE ("runtime": all five)
 *   run_tests SUITE/CASE...   one case, by its exact name (diagnostics/activation_typo,
 *                             snapshots/mnist, end_to_end/cli, codegen/odd_sizes)
 *   run_tests --list          every SUITE/CASE, one a line
 *
 * Run from the repository root.  Environment: BUILD, the build tree (default: the
 * directory this runner is in), where logs go; NETC, the compiler under test (default
 * BUILD/netc).  Both are exported to the scripts the tests run.
 * Exit 0 when at least one case ran and none failed, 2 for an argument naming nothing.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define X(name) void name##_register(void);
#define SLOW(name) X(name)
#include "suites.def"
#undef SLOW
#undef X

/* Deactivate the suites registered after the first `before`. */
static void deactivate_after(unsigned before)
{
    unsigned i = 0;
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext)
        if (i++ >= before)
            CU_set_suite_active(s, CU_FALSE);
}

/* Register every suite; with quick, those the SLOW ones add stay inactive. */
static void register_suites(int quick)
{
#define X(name) name##_register();
#define SLOW(name)                                                    \
    {                                                                 \
        unsigned before = CU_get_registry()->uiNumberOfSuites;        \
        name##_register();                                            \
        if (quick)                                                    \
            deactivate_after(before);                                 \
    }
#include "suites.def"
#undef SLOW
#undef X
}

static void list_cases(void)
{
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext)
        for (CU_pTest t = s->pTest; t; t = t->pNext)
            printf("%s/%s\n", s->pName, t->pName);
}

/* SUITE/CASE: activate that case (and its suite, with only the cases named). */
static int select_case(const char *arg, const char *slash)
{
    size_t len = (size_t)(slash - arg);
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
        if (strlen(s->pName) != len || strncmp(s->pName, arg, len) != 0)
            continue;
        for (CU_pTest t = s->pTest; t; t = t->pNext)
            if (strcmp(t->pName, slash + 1) == 0) {
                if (!s->fActive)                /* first case named in this suite */
                    for (CU_pTest u = s->pTest; u; u = u->pNext)
                        CU_set_test_active(u, CU_FALSE);
                CU_set_suite_active(s, CU_TRUE);
                CU_set_test_active(t, CU_TRUE);
                return 0;
            }
    }
    return -1;
}

/* SUITE: activate every suite whose name starts with it, with all its cases. */
static int select_suites(const char *prefix)
{
    int found = -1;
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext)
        if (strncmp(s->pName, prefix, strlen(prefix)) == 0) {
            CU_set_suite_active(s, CU_TRUE);
            for (CU_pTest t = s->pTest; t; t = t->pNext)
                CU_set_test_active(t, CU_TRUE);
            found = 0;
        }
    return found;
}

/* Only what the arguments name runs; 0, or -1 after naming an argument that names nothing. */
static int select_tests(int argc, char **argv)
{
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext)
        CU_set_suite_active(s, CU_FALSE);
    for (int i = 1; i < argc; i++) {
        const char *slash = strchr(argv[i], '/');
        if ((slash ? select_case(argv[i], slash) : select_suites(argv[i])) != 0) {
            fprintf(stderr, "run_tests: no %s named '%s' (run_tests --list shows them all)\n",
                    slash ? "case" : "suite", argv[i]);
            return -1;
        }
    }
    return 0;
}

/* BUILD and NETC for the tests and the scripts they run, unless already set. */
static void set_environment(const char *argv0)
{
    char build[1024], netc[1100];
    const char *slash = strrchr(argv0, '/');
    snprintf(build, sizeof build, "%.*s", slash ? (int)(slash - argv0) : 1, slash ? argv0 : ".");
    setenv("BUILD", build, 0);
    snprintf(netc, sizeof netc, "%s/netc", getenv("BUILD"));
    setenv("NETC", netc, 0);
}

int main(int argc, char **argv)
{
    int quick = argc == 2 && strcmp(argv[1], "--quick") == 0;
    int list = argc == 2 && strcmp(argv[1], "--list") == 0;
    if (argc > 1 && argv[1][0] == '-' && !quick && !list) {
        fprintf(stderr, "usage: run_tests [--quick | --list | SUITE... | SUITE/CASE...]\n");
        return 2;
    }
    set_environment(argv[0]);
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "run_tests: cannot start CUnit\n");
        return 2;
    }
    register_suites(quick);
    if (list) {
        list_cases();
        CU_cleanup_registry();
        return 0;
    }
    if (argc > 1 && !quick && select_tests(argc, argv) != 0) {
        CU_cleanup_registry();
        return 2;
    }
    CU_set_fail_on_inactive(CU_FALSE);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return failed == 0 && ran > 0 ? 0 : 1;
}
