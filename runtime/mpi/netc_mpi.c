/* netc_mpi.c - the trainer under MPI: netc_mpi_main() runs netc_trainer_run() on every
 * rank with a netc_comm whose sums are MPI_Allreduce over MPI_COMM_WORLD.
 *
 * Compiled (with mpicc) only into trainers built by `netc build --mpi`, so that the
 * runtime library itself does not depend on MPI.  MPI_Allreduce with MPI_SUM gives
 * every rank the same result (the standard asks implementations for that), so the
 * ranks' parameters stay identical step after step without ever being sent.
 */
#include <mpi.h>
#include <stdio.h>

#include "commands/commands.h"

static void sum_floats(const netc_comm *comm, float *buf, size_t n)
{
    (void)comm;
    MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

static void sum_doubles(const netc_comm *comm, double *buf, size_t n)
{
    (void)comm;
    MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

int netc_mpi_main(const netc_model *model, int argc, char **argv)
{
    netc_comm comm = { 0, 1, sum_floats, sum_doubles };
    int rc;

    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "%s: error: MPI_Init failed\n", model->name);
        return 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &comm.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &comm.size);
    rc = netc_trainer_run(model, argc, argv, comm.size > 1 ? &comm : NULL);
    /* A rank that failed alone (a file it could not read) would leave the others
     * waiting in MPI_Allreduce: take them all down with its exit status. */
    if (rc == 1 && comm.size > 1)
        MPI_Abort(MPI_COMM_WORLD, rc);
    MPI_Finalize();
    return rc;
}
