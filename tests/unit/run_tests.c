/* run_tests.c - the CUnit runner behind `make check`: every suite, then the summary. */
#include <CUnit/Basic.h>
#include <stdio.h>

#define X(name) void name##_register(void);
#include "suites.def"
#undef X

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "run_tests: cannot start CUnit\n");
        return 2;
    }
#define X(name) name##_register();
#include "suites.def"
#undef X
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return failed == 0 && ran > 0 ? 0 : 1;
}
