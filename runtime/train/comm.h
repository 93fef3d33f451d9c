/* train/comm.h - several processes training one network (MPI: runtime/mpi/netc_mpi.c).
 *
 * The processes (ranks) of a data-parallel run: each computes the gradient of its part
 * of every mini-batch; sum() adds a buffer across all of them, in place, the same
 * result on every rank.  Rank 0 alone prints, saves weights and writes checkpoints. */
#ifndef NETC_TRAIN_COMM_H
#define NETC_TRAIN_COMM_H

#include <stddef.h>

typedef struct netc_comm {
    int rank, size;
    void (*sum_floats)(const struct netc_comm *comm, float *buf, size_t n);
    void (*sum_doubles)(const struct netc_comm *comm, double *buf, size_t n);
} netc_comm;

#endif
