/* test_util.c - small helpers shared by the test suites. */
#include "test_util.h"

#include <dirent.h>
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
    return netc && *netc ? netc : "./netc";
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
