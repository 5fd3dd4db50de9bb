import Foundation
import Testing
@testable import WardenAudit

@Suite struct AuditExportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func aFullExportVerifiesWithoutTheDatabase() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 37)
        let export = bed.path("all.jsonl")
        let summary = try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        #expect(summary.records == 37 && summary.firstSeq == 1 && summary.lastSeq == 37)
        try FileManager.default.removeItem(atPath: bed.databasePath)
        let report = try AuditVerifier.verifyExport(path: export, publicKey: bed.publicKey(), witnessPath: bed.witnessPath)
        #expect(report.isValid, "\(report.summary)")
        #expect(report.recordCount == 37 && report.signedTreeSize == 37)
        #expect(report.checkpointCount == 4, "10, 20, 30 and the final 37, each counted once though in both export and witness")
    }

    @Test func aPartialExportStartingMidLogVerifiesAgainstItsCheckpoints() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 50)
        let export = bed.path("part.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export, from: 15, to: 40)
        let report = try AuditVerifier.verifyExport(path: export, publicKey: bed.publicKey())
        #expect(report.isValid, "\(report.summary)")
        #expect(report.firstSeq == 15 && report.lastSeq == 40)
        #expect(report.checkpointCount == 3)  // 20, 30, 40
        // The full witness covers 50 records, so it flags this export as cut off at 40.
        let withWitness = try AuditVerifier.verifyExport(path: export, publicKey: bed.publicKey(), witnessPath: bed.witnessPath)
        #expect(withWitness.problem?.kind == .truncated && withWitness.problem?.seq == 41)
    }

    @Test func editingAnExportedRecordIsReportedAtItsSeq() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 30)
        let export = bed.path("all.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        var lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map(String.init)
        let index = lines.firstIndex { $0.contains("\"seq\":12,") }!
        lines[index] = lines[index].replacingOccurrences(of: "req-12", with: "req-99")
        try (lines.joined(separator: "\n") + "\n").write(toFile: export, atomically: true, encoding: .utf8)
        let report = try AuditVerifier.verifyExport(path: export, publicKey: bed.publicKey())
        #expect(report.problem?.kind == .modified && report.problem?.seq == 12, "\(report.summary)")
        // Dropping a record line is a deletion.
        lines.remove(at: lines.firstIndex { $0.contains("\"seq\":20,") }!)
        lines[index] = lines[index].replacingOccurrences(of: "req-99", with: "req-12")
        try (lines.joined(separator: "\n") + "\n").write(toFile: export, atomically: true, encoding: .utf8)
        let deleted = try AuditVerifier.verifyExport(path: export, publicKey: bed.publicKey())
        #expect(deleted.problem?.kind == .deleted && deleted.problem?.seq == 20, "\(deleted.summary)")
    }

    @Test func malformedExportsGiveClearErrorsNotCrashes() async throws {
        let bed = try AuditTestBed()
        let key = try bed.publicKey()
        let path = bed.path("bad.jsonl")
        let header = #"{"kind":"header","format":"warden-audit-export","version":1,"log_id":"x","first_seq":1,"last_seq":1,"base_prev_hash":"\#(String(repeating: "00", count: 32))","base_range":[]}"#
        let cases = [
            "", "not json\n", "{}\n", "[1,2]\n",
            header.replacingOccurrences(of: "\"version\":1", with: "\"version\":2") + "\n",
            header.replacingOccurrences(of: "\"first_seq\":1", with: "\"first_seq\":3") + "\n",
            header + "\n{\"kind\":\"record\"}\n",
            header + "\n{\"kind\":\"record\",\"seq\":1.5}\n",
            header + "\n{\"kind\":\"mystery\"}\n",
            header + "\n" + String(repeating: "[", count: 100) + "\n",
        ]
        for text in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: AuditError(.malformedInput, "")) { try AuditVerifier.verifyExport(path: path, publicKey: key) }
        }
        #expect(throws: AuditError(.notFound, "")) { try AuditVerifier.verifyExport(path: bed.path("missing"), publicKey: key) }
    }

    @Test func theIndependentPythonVerifierAcceptsAWardenExportAndRejectsATamperedOne() async throws {
        guard let python = ProcessRunner.which("python3") else {
            Issue.record("python3 is required for the independent verifier test but was not found on PATH")
            return
        }
        let probe = try ProcessRunner.run(python, ["-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"])
        guard probe.status == 0 else {
            Issue.record("the Python package 'cryptography' is required for the independent verifier test (pip install cryptography): \(probe.stderr)")
            return
        }
        let script = Self.fixtures.appendingPathComponent("verify_export.py").path
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 45)
        let export = bed.path("all.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        let good = try ProcessRunner.run(python, [script, export, bed.keys.publicKey, "--witness", bed.witnessPath])
        #expect(good.status == 0, "\(good.stdout) \(good.stderr)")
        #expect(good.stdout.hasPrefix("OK: 45 records"))
        let swiftRoot = try AuditVerifier.verifyExport(path: export, publicKey: bed.publicKey()).rootHex
        #expect(good.stdout.contains(swiftRoot), "both verifiers compute the same root")

        // A partial export (base range from the header) is accepted too.
        let part = bed.path("part.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: part, from: 7, to: 40)
        let partial = try ProcessRunner.run(python, [script, part, bed.keys.publicKey])
        #expect(partial.status == 0, "\(partial.stdout) \(partial.stderr)")

        // Tampered copy: one field value changed.
        let tampered = bed.path("tampered.jsonl")
        let text = try String(contentsOfFile: export, encoding: .utf8).replacingOccurrences(of: "\"req-23\"", with: "\"req-32\"")
        try text.write(toFile: tampered, atomically: true, encoding: .utf8)
        let bad = try ProcessRunner.run(python, [script, tampered, bed.keys.publicKey])
        #expect(bad.status == 1, "\(bad.stdout) \(bad.stderr)")
        #expect(bad.stdout.contains("at seq 23"))

        // A wrong public key is rejected.
        let other = try AuditTestBed()
        let wrongKey = try ProcessRunner.run(python, [script, export, other.keys.publicKey])
        #expect(wrongKey.status == 1, "\(wrongKey.stdout) \(wrongKey.stderr)")
    }
}
