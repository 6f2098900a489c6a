/* scripts/mpi-hello.c: the smallest MPI program, used by scripts/slurm-smoke
 * to check that a launcher (srun --mpi=pmix, or mpirun inside a Slurm
 * allocation) wires ranks together. Each rank prints
 *     hello from rank R of N on HOST
 * and the ranks do one MPI_Allreduce so a broken wire-up fails loudly
 * instead of printing N singletons ("rank 0 of 1" twice). */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
    int rank = 0, size = 0, len = 0, sum = 0;
    char host[MPI_MAX_PROCESSOR_NAME];
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(host, &len);
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    printf("hello from rank %d of %d on %s (rank sum %d)\n", rank, size, host, sum);
    fflush(stdout);
    MPI_Finalize();
    return sum == size * (size - 1) / 2 ? 0 : 1;
}
