/* test_util.c - small helpers shared by the test suites. */
#include "test_util.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

const char *test_netc(void)
{
    const char *netc = getenv("NETC");
    return netc && *netc ? netc : "build/netc";
}

const char *test_build(void)
{
    const char *build = getenv("BUILD");
    return build && *build ? build : "build";
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = read_all(f, len);
    fclose(f);
    return s;
}

int test_run(const char *command, char **output)
{
    FILE *p = popen(command, "r");
    if (!p)
        return -1;
    size_t len;
    char *out = read_all(p, &len);
    int status = pclose(p);
    if (output)
        *output = out;
    else
        free(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The sorted names of the files in dir ending in suffix, without it; NULL-terminated. */
static char **list_dir(const char *dir, const char *suffix)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, alphasort);
    char **names = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof *names);
    int k = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(entries[i]->d_name), sl = strlen(suffix);
        if (names && len > sl && strcmp(entries[i]->d_name + len - sl, suffix) == 0)
            names[k++] = strndup(entries[i]->d_name, len - sl);
        free(entries[i]);
    }
    if (n > 0)
        free(entries);
    return names;
}

CU_pSuite test_add_file_cases(const char *suite_name, const char *dir, const char *suffix,
                              CU_TestFunc fn, CU_InitializeFunc init, CU_CleanupFunc cleanup)
{
    CU_pSuite suite = CU_add_suite(suite_name, init, cleanup);
    char **names = list_dir(dir, suffix);
    for (int i = 0; names && names[i]; i++) {
        CU_add_test(suite, names[i], fn);     /* CUnit keeps a copy of the name */
        free(names[i]);
    }
    free(names);
    return suite;
}

const char *test_case_name(void)
{
    return CU_get_current_test()->pName;
}

void test_fail_at(const char *file, int line, const char *format, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    CU_assertImplementation(CU_FALSE, (unsigned)line, message, file, "", CU_FALSE);
}

int test_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}

/* The running suite's scratch directory: suites run one after another. */
static char scratch[64];

int test_scratch_init(void)
{
    strcpy(scratch, "/tmp/netc-test-XXXXXX");
    return mkdtemp(scratch) ? 0 : -1;
}

int test_scratch_cleanup(void)
{
    return test_remove_dir(scratch);
}

const char *test_scratch(void)
{
    return scratch;
}

const char *test_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", scratch, name);
    return buf;
}
