import Testing
@testable import MPIBatchCore

/// The one formatter of human text.
@Suite struct NumberTextTests {
    @Test func fixedDecimalsRoundHalfAwayFromZero() {
        #expect(NumberText.fixed(3.14159) == "3.142")
        #expect(NumberText.fixed(2.5, digits: 0) == "3" && NumberText.fixed(-2.5, digits: 0) == "-3")
        #expect(NumberText.fixed(-0.0001, digits: 2) == "0.00")
        #expect(NumberText.fixed(.infinity) == "inf" && NumberText.fixed(1e300, digits: 2) == "1e+300")
    }

    @Test func sizesInDecimalUnits() {
        #expect(NumberText.bytes(950) == "950 B")
        #expect(NumberText.bytes(1_234_567) == "1.2 MB")
        #expect(NumberText.bytes(16.8e9) == "16.8 GB")
    }

    @Test func durationsAtAGlance() {
        #expect(NumberText.duration(0.000_85) == "850 µs")
        #expect(NumberText.duration(2.07) == "2.07 s")
        #expect(NumberText.duration(245) == "4 min 05 s")
        #expect(NumberText.duration(3720) == "1 h 02 min")
    }
}
