#include "CMPIShim.h"

MPI_Comm cmpishim_comm_world(void) { return MPI_COMM_WORLD; }
MPI_Comm cmpishim_comm_null(void) { return MPI_COMM_NULL; }
MPI_Info cmpishim_info_null(void) { return MPI_INFO_NULL; }
MPI_Request cmpishim_request_null(void) { return MPI_REQUEST_NULL; }
MPI_Errhandler cmpishim_errors_return(void) { return MPI_ERRORS_RETURN; }
MPI_Status *cmpishim_status_ignore(void) { return MPI_STATUS_IGNORE; }
MPI_Datatype cmpishim_type_byte(void) { return MPI_BYTE; }
MPI_Datatype cmpishim_type_int32(void) { return MPI_INT32_T; }
MPI_Datatype cmpishim_type_int64(void) { return MPI_INT64_T; }
MPI_Datatype cmpishim_type_uint64(void) { return MPI_UINT64_T; }
MPI_Datatype cmpishim_type_double(void) { return MPI_DOUBLE; }
MPI_Op cmpishim_op_sum(void) { return MPI_SUM; }
MPI_Op cmpishim_op_max(void) { return MPI_MAX; }
MPI_Op cmpishim_op_min(void) { return MPI_MIN; }
int cmpishim_status_source(const MPI_Status *status) { return status->MPI_SOURCE; }
int cmpishim_status_tag(const MPI_Status *status) { return status->MPI_TAG; }
