import CMPI
import CMPIShim

extension Communicator {
    /// Sends `bytes` to `destination` and returns once the buffer may be reused (`MPI_Send`).
    public func send(_ bytes: [UInt8], to destination: Int, tag: Int32) throws(MPIError) {
        let code = bytes.withUnsafeBytes { buffer in
            MPI_Send(buffer.baseAddress, Int32(buffer.count), cmpishim_type_byte(), Int32(destination), tag, handle)
        }
        try check(code, "MPI_Send(to: \(destination), tag: \(tag), bytes: \(bytes.count))")
    }

    /// Whether a message is waiting, without receiving it (`MPI_Iprobe`).
    public func iprobe(source: Int = anySource, tag: Int32 = anyTag) throws(MPIError) -> ProbedMessage? {
        var flag: Int32 = 0
        var status = MPI_Status()
        try check(MPI_Iprobe(Int32(source), tag, handle, &flag, &status), "MPI_Iprobe")
        guard flag != 0 else { return nil }
        var count: Int32 = 0
        try check(MPI_Get_count(&status, cmpishim_type_byte(), &count), "MPI_Get_count")
        return ProbedMessage(
            source: Int(cmpishim_status_source(&status)), tag: cmpishim_status_tag(&status), count: Int(count))
    }

    /// Receives the message `iprobe` reported, of exactly `probed.count` bytes.
    public func receive(_ probed: ProbedMessage) throws(MPIError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: probed.count)
        let code = bytes.withUnsafeMutableBytes { buffer in
            MPI_Recv(
                buffer.baseAddress, Int32(probed.count), cmpishim_type_byte(), Int32(probed.source), probed.tag,
                handle, cmpishim_status_ignore())
        }
        try check(code, "MPI_Recv(from: \(probed.source), tag: \(probed.tag))")
        return bytes
    }

    /// Blocks until a message from `source` with `tag` arrives, and receives all of it.
    public func receive(from source: Int = anySource, tag: Int32 = anyTag) throws(MPIError) -> (
        source: Int, tag: Int32, bytes: [UInt8]
    ) {
        var status = MPI_Status()
        try check(MPI_Probe(Int32(source), tag, handle, &status), "MPI_Probe")
        var count: Int32 = 0
        try check(MPI_Get_count(&status, cmpishim_type_byte(), &count), "MPI_Get_count")
        let probed = ProbedMessage(
            source: Int(cmpishim_status_source(&status)), tag: cmpishim_status_tag(&status), count: Int(count))
        return (probed.source, probed.tag, try receive(probed))
    }

    /// Starts sending `bytes` (`MPI_Isend`); the request owns a copy until it completes.
    public func isend(_ bytes: [UInt8], to destination: Int, tag: Int32) throws(MPIError) -> Request {
        let request = Request(copying: bytes)
        let code = MPI_Isend(
            request.buffer.baseAddress, Int32(request.buffer.count), cmpishim_type_byte(), Int32(destination), tag,
            handle, &request.handle)
        try check(code, "MPI_Isend(to: \(destination), tag: \(tag), bytes: \(bytes.count))")
        return request
    }

    /// Starts receiving up to `capacity` bytes (`MPI_Irecv`); read them from the request once `test` is true.
    public func irecv(capacity: Int, from source: Int = anySource, tag: Int32 = anyTag) throws(MPIError) -> Request {
        let request = Request(capacity: capacity)
        let code = MPI_Irecv(
            request.buffer.baseAddress, Int32(capacity), cmpishim_type_byte(), Int32(source), tag, handle,
            &request.handle)
        try check(code, "MPI_Irecv(from: \(source), tag: \(tag))")
        return request
    }
}
