/* test_util.h - small helpers shared by the test suites. */
#ifndef NETC_TEST_UTIL_H
#define NETC_TEST_UTIL_H

#include <stddef.h>

/* The netc binary under test: $NETC, or ./netc. */
const char *test_netc(void);
/* The whole file, NUL-terminated (len excludes the NUL); NULL if unreadable. */
char *test_read_file(const char *path, size_t *len);
/* Run a shell command; its stdout goes to *output (malloc'd) when output is not NULL.
 * Returns the exit status, or -1. */
int test_run(const char *command, char **output);

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
