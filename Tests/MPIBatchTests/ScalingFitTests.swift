import Foundation
import Testing
@testable import MPIBatchScaling

/// `mpibatch scale` says when its Amdahl fit cannot test the law.
@Suite struct ScalingFitTests {
    @Test func amdahlFittedToTwoRunsSaysItTestsNothing() throws {
        func study(_ ranks: [Int]) throws -> ScalingStudy {
            let points = ranks.map {
                #"{"ranks":\#($0),"slots":\#($0),"wall_seconds":\#(10.0 / Double($0)),"speedup":\#($0),"efficiency":1,"amdahl_speedup":\#($0),"directory":"r\#($0)"}"#
            }
            let json = #"{"name":"n","serial_fraction":0,"points":[\#(points.joined(separator: ","))]}"#
            return try JSONDecoder().decode(ScalingStudy.self, from: Data(json.utf8))
        }
        #expect(try study([1, 2]).table().contains("fitted to 2 runs only"))
        #expect(try study([1, 2]).html().contains("fitted to 2 runs only"))
        #expect(try study([1, 2, 4]).fitCaveat == nil)
        #expect(try !study([1, 2, 4]).table().contains("fitted to"))
    }
}
