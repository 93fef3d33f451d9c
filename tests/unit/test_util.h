/* test_util.h - small helpers shared by the test suites. */
#ifndef NETC_TEST_UTIL_H
#define NETC_TEST_UTIL_H

#include <CUnit/CUnit.h>
#include <stddef.h>

/* The netc binary under test: $NETC, or build/netc. */
const char *test_netc(void);
/* The build tree, where logs go: $BUILD, or build. */
const char *test_build(void);
/* The whole file, NUL-terminated (len excludes the NUL); NULL if unreadable. */
char *test_read_file(const char *path, size_t *len);
/* Run a shell command; its stdout goes to *output (malloc'd) when output is not NULL.
 * Returns the exit status, or -1. */
int test_run(const char *command, char **output);

/* A suite with one case per file DIR/CASE.SUFFIX, named CASE (sorted), each running fn;
 * init and cleanup as for CU_add_suite. */
CU_pSuite test_add_file_cases(const char *suite_name, const char *dir, const char *suffix,
                              CU_TestFunc fn, CU_InitializeFunc init, CU_CleanupFunc cleanup);
/* The running case's name: CUnit's test functions take no arguments. */
const char *test_case_name(void);
/* Fail the running case with a message saying why (printf-style; CUnit keeps a copy). */
#define test_fail(...) test_fail_at(__FILE__, __LINE__, __VA_ARGS__)
void test_fail_at(const char *file, int line, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Remove dir and the files in it (not subdirectories). */
int test_remove_dir(const char *dir);

/* A scratch directory for the suite being run, made and removed by the suite hooks
 * test_scratch_init and test_scratch_cleanup (CUnit's hooks take no arguments). */
int test_scratch_init(void);
int test_scratch_cleanup(void);
const char *test_scratch(void);
/* test_scratch()/name, in the caller's buffer. */
const char *test_path(char *buf, size_t size, const char *name);

#endif
