#ifndef CMPISHIM_H
#define CMPISHIM_H
// Handles and constants that Swift cannot import from <mpi.h>: in Open MPI
// they are macros that take the address of a global or cast a literal, and
// Swift's importer only brings in plain literal macros. Each is one function.
#include <mpi.h>

/// MPI_COMM_WORLD expands to the address of ompi_mpi_comm_world.
MPI_Comm cmpishim_comm_world(void);
/// MPI_COMM_NULL: compared against after a split.
MPI_Comm cmpishim_comm_null(void);
/// MPI_INFO_NULL: passed to MPI_Comm_split_type.
MPI_Info cmpishim_info_null(void);
/// MPI_REQUEST_NULL: the value a completed request is reset to.
MPI_Request cmpishim_request_null(void);
/// MPI_ERRORS_RETURN is the address of a global error handler.
MPI_Errhandler cmpishim_errors_return(void);
/// MPI_STATUS_IGNORE is a cast of 0 to MPI_Status *.
MPI_Status *cmpishim_status_ignore(void);
/// Predefined datatypes are addresses of globals.
MPI_Datatype cmpishim_type_byte(void);
MPI_Datatype cmpishim_type_int32(void);
MPI_Datatype cmpishim_type_int64(void);
MPI_Datatype cmpishim_type_uint64(void);
MPI_Datatype cmpishim_type_double(void);
/// Predefined reduction operations are addresses of globals.
MPI_Op cmpishim_op_sum(void);
MPI_Op cmpishim_op_max(void);
MPI_Op cmpishim_op_min(void);
/// MPI_Status fields are named differently across implementations.
int cmpishim_status_source(const MPI_Status *status);
int cmpishim_status_tag(const MPI_Status *status);

#endif
