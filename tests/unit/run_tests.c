/* run_tests.c - the CUnit runner behind `make check`: every suite, then the summary.
 *
 *   build/run_tests                 all suites
 *   build/run_tests NAME...         only the suites whose names start with NAME
 *                                   (e.g. "runtime", "diagnostics", "end_to_end")
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define X(name) void name##_register(void);
#include "suites.def"
#undef X

/* Deactivate the suites that no argument names. */
static void select_suites(int argc, char **argv)
{
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
        int wanted = 0;
        for (int i = 1; i < argc; i++)
            wanted |= strncmp(s->pName, argv[i], strlen(argv[i])) == 0;
        CU_set_suite_active(s, wanted);
    }
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "run_tests: cannot start CUnit\n");
        return 2;
    }
#define X(name) name##_register();
#include "suites.def"
#undef X
    if (argc > 1)
        select_suites(argc, argv);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return failed == 0 && ran > 0 ? 0 : 1;
}
