import Foundation
import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchLaunch
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

/// Rank 0's transport in these tests: every send is recorded in the order it leaves, after a
/// pause for each assignment that stands for the sending thread being descheduled between
/// the coordinator's decision and the send (what a loaded node does at any moment).
private final class RecordingTransport: Transport {
    let rank = 0
    var size: Int { inner.size }
    private let inner: InMemoryTransport
    private let sent = Mutex<[(destination: Int, message: RuntimeMessage)]>([])
    private let assigned = Atomic<Int>(0)
    private let onAssignment: Mutex<(count: Int, act: @Sendable () -> Void)?> = Mutex(nil)

    init(_ inner: InMemoryTransport) { self.inner = inner }

    /// Every send so far, in the order they left.
    var sends: [(destination: Int, message: RuntimeMessage)] { sent.withLock { $0 } }

    /// Runs `act` on a thread of its own as the `count`th assignment leaves.
    func whenAssigned(_ count: Int, _ act: @escaping @Sendable () -> Void) { onAssignment.withLock { $0 = (count, act) } }

    func start(handler: @escaping @Sendable (Int, [UInt8]) -> Void) { inner.start(handler: handler) }

    func send(_ bytes: [UInt8], to destination: Int) {
        let message = try! RuntimeMessage(decoding: bytes, from: 0)
        if case .assign = message {
            let count = assigned.add(1, ordering: .relaxed).newValue
            if let (wanted, act) = onAssignment.withLock({ $0 }), wanted == count { Thread { act() }.start() }
            usleep(200)
        }
        sent.withLock { sent in
            sent.append((destination, message))
            inner.send(bytes, to: destination)
        }
    }

    func post(_ work: @escaping @Sendable () -> Void) { inner.post(work) }

    func stop() { inner.stop() }
}

/// A worker rank reduced to its protocol: each assignment comes back at once as successes
/// with a request for more, a stop as `done`; nothing is run, and nothing after `done`. The
/// first assignment is never reported (a task that runs until the stop), so that the run
/// does not end before the stop, however slowly the test runs.
private final class EchoRank: Sendable {
    private let rank: Int
    private let reply: @Sendable (RuntimeMessage) -> Void
    private let stopped = Atomic<Bool>(false)
    private let first = Atomic<Bool>(true)

    init(rank: Int, reply: @escaping @Sendable (RuntimeMessage) -> Void) {
        self.rank = rank
        self.reply = reply
    }

    func receive(_ message: RuntimeMessage) {
        guard !stopped.load(ordering: .relaxed) else { return }
        switch message {
        case .assign(let slot, let chunk):
            guard !first.exchange(false, ordering: .relaxed) else { return }
            let records = (chunk.start..<chunk.end).map {
                TaskRecord(
                    index: $0, attempt: chunk.attempt, status: .ok, rank: rank, slot: slot, start: 0, seconds: 0.001,
                    value: .none, error: nil)
            }
            reply(.results(slot: slot, records: records, wantsMore: true))
        case .stop:
            stopped.store(true, ordering: .relaxed)
            reply(.done(RankReport(host: "test", cpuSeconds: 0)))
        default:
            break
        }
    }
}

@Suite struct SendOrderTests {
    /// Rank 0 sends in the order its coordinator decided: once it decided to stop, no
    /// assignment leaves for any rank, however the stop request races the results coming in.
    @Test(.timeLimit(.minutes(5))) func noAssignmentLeavesAfterTheStop() async throws {
        for round in 0..<5 {
            let sends = try await runStoppedMidway()
            for rank in 0..<3 {
                let toRank = sends.filter { $0.destination == rank }.map(\.message)
                let stop = try #require(toRank.firstIndex { if case .stop = $0 { true } else { false } })
                let late = toRank[stop...].count { if case .assign = $0 { true } else { false } }
                #expect(late == 0, "round \(round): \(late) assignments reached rank \(rank) after its stop")
            }
        }
    }

    /// Three ranks of two slots echo their assignments until a stop request, made from another
    /// thread as the 40th assignment leaves, ends the run; returns rank 0's sends in the order they left.
    private func runStoppedMidway() async throws -> [(destination: Int, message: RuntimeMessage)] {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let slotsPerRank = [2, 2, 2]
        let network = InMemoryNetwork(size: slotsPerRank.count)
        let transport = RecordingTransport(network.endpoints[0])
        let workload = CountingWorkload(taskCount: 64 * 6 * 20)
        let journal = try Journal(path: directory + "/results.jsonl", workload: workload)
        let driver = CoordinatorDriver(
            coordinator: Coordinator(
                taskCount: workload.taskCount, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: slotsPerRank,
                reducer: nil),
            statistics: RunStatistics(slotsPerRank: slotsPerRank, retries: { _ in 0 }), transport: transport, journal: journal)
        let own = EchoRank(rank: 0) { message in transport.post { driver.handle(message, from: 0) } }
        transport.start { source, bytes in
            let message = try! RuntimeMessage(decoding: bytes, from: source)
            switch message {
            case .assign, .stop, .cancel: own.receive(message)
            default: driver.handle(message, from: source)
            }
        }
        for rank in 1..<slotsPerRank.count {
            let endpoint = network.endpoints[rank]
            let echo = EchoRank(rank: rank) { endpoint.send($0.encoded(), to: 0) }
            endpoint.start { _, bytes in echo.receive(try! RuntimeMessage(decoding: bytes, from: 0)) }
        }
        driver.start(silenceLimitSeconds: 60)
        for rank in slotsPerRank.indices {
            for slot in 0..<slotsPerRank[rank] {
                let request = RuntimeMessage.request(slot: slot, chunks: 2)
                if rank == 0 { transport.post { driver.handle(request, from: 0) } } else {
                    network.endpoints[rank].send(request.encoded(), to: 0)
                }
            }
        }
        let answer = Watched("")
        transport.whenAssigned(40) {
            let said = driver.requestStop(now: false)
            answer.update { $0 = said }
        }
        await driver.finished.wait()
        await answer.wait { !$0.isEmpty }
        #expect(answer.value.hasPrefix("draining"))
        driver.close()
        for endpoint in network.endpoints { endpoint.stop() }
        _ = journal.close()
        return transport.sends
    }
}
