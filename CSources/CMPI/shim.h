// The system's MPI header, found through pkg-config (ompi-c).
#include <mpi.h>
