import Foundation
import Testing

/// The library's folders depend one way (docs/how-it-works.md, "Layers"): `LayerCheck` on the real sources, and on a planted violation.
@Suite struct LayerTests {
    static let sourcesRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/MPIBatch").path

    @Test func theLibraryKeepsItsLayers() throws {
        let check = try LayerCheck.reading(root: Self.sourcesRoot)
        #expect(check.sources.count > 100)
        #expect(check.unplacedFolders.isEmpty, "folders in no layer: \(check.unplacedFolders.sorted())")
        #expect(check.violations.isEmpty, "\(check.violations.map(\.description).joined(separator: "\n"))")
    }

    @Test func aLowerFolderUsingAHigherFoldersTypeIsCaught() {
        let check = LayerCheck(sources: [
            "Job/Spec.swift": "/// Not `BuiltThing` here.\npublic struct Spec {\n    let built: BuiltThing\n    let text = \"Report\"\n}\n",
            "Workloads/BuiltThing.swift": "public struct BuiltThing {\n    let spec: Spec\n}\n",
            "Reporting/Report.swift": "final class Report {}\n",
        ])
        #expect(check.violations == [LayerCheck.Violation(file: "Job/Spec.swift", type: "BuiltThing", declaredIn: "Workloads")])
    }

    @Test func aFolderInNoLayerIsCaught() {
        #expect(LayerCheck(sources: ["Misc/A.swift": "struct A {}\n"]).unplacedFolders == ["Misc"])
    }
}
