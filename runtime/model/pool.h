/* model/pool.h - T threads (the caller and T - 1 workers) that run one task at a time,
 * together. */
#ifndef NETC_MODEL_POOL_H
#define NETC_MODEL_POOL_H

#include "io/error.h"

enum { NETC_MAX_THREADS = 256 };

typedef struct netc_pool netc_pool;
typedef void (*netc_task)(void *ctx, int t, int T);
netc_pool *netc_pool_new(int threads, netc_error *err);
/* Calls task(ctx, t, T) on every thread t = 0 .. T-1 (0 is the caller); returns when all
 * have returned. */
void netc_pool_run(netc_pool *pool, netc_task task, void *ctx);
int netc_pool_size(const netc_pool *pool);
void netc_pool_free(netc_pool *pool);

#endif
