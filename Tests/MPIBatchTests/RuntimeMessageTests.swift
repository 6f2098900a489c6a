import Testing
@testable import MPIBatch

@Suite struct RuntimeMessageTests {
    @Test func everyKindRoundTrips() throws {
        let record = TaskRecord(
            index: 42, attempt: 2, status: .timeout, rank: 3, slot: 1, start: 1.5, seconds: 0.25,
            value: .numbers([1, -0.0, .infinity]), error: "timed out after 2 s")
        let messages: [RuntimeMessage] = [
            .request(slot: 1, chunks: 2),
            .results(slot: 1, records: [record, TaskRecord(
                index: 7, attempt: 1, status: .ok, rank: 3, slot: 1, start: 0, seconds: 0, value: .json("{\"a\":1}"),
                error: nil)], wantsMore: true),
            .done(RankReport(host: "node-é", cpuSeconds: 1.25)),
            .assign(slot: 0, chunk: Chunk(start: 10, end: 1 << 40, attempt: 3)),
            .stop,
        ]
        for message in messages {
            #expect(try RuntimeMessage(decoding: message.encoded(), from: 3) == message)
        }
    }

    @Test func truncatedMessageIsAnErrorNotACrash() {
        let bytes = RuntimeMessage.assign(slot: 0, chunk: Chunk(start: 0, end: 9)).encoded()
        #expect(throws: MessageDecodingError.self) { try RuntimeMessage(decoding: Array(bytes.dropLast()), from: 1) }
        #expect(throws: MessageDecodingError.self) { try RuntimeMessage(decoding: [99], from: 1) }
    }
}
