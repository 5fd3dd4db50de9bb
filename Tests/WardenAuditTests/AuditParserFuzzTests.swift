import Foundation
import Testing
@testable import WardenAudit

/// Random and mutated inputs for every parser of untrusted data: the fields blob, JSON lines, export
/// files, witness files and proof documents. Seeded, so a failure is reproducible; bounded, so it is fast.
@Suite struct AuditParserFuzzTests {
    static func mutate(_ input: [UInt8], _ g: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...6, using: &g) {
            guard !bytes.isEmpty else { bytes = [UInt8.random(in: 0...255, using: &g)]; continue }
            let i = Int.random(in: 0..<bytes.count, using: &g)
            switch Int.random(in: 0..<6, using: &g) {
            case 0: bytes[i] = UInt8.random(in: 0...255, using: &g)
            case 1: bytes.remove(at: i)
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &g), at: i)
            case 3: bytes.insert(contentsOf: [UInt8]("\"{[]},:0-9e.\\u".utf8).shuffled(using: &g).prefix(3), at: i)
            case 4: bytes = Array(bytes[..<i])
            default: bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &g)
            }
        }
        return bytes
    }

    @Test func theFieldsDecoderNeverCrashesAndRoundTripsWhatItAccepts() throws {
        var g = SeededGenerator(seed: 1)
        let valid = CanonicalEncoding.encodeFields(["a": "x", "b": 5, "c": true, "d": .string("ünï")])
        #expect(try CanonicalEncoding.decodeFields(valid) == ["a": "x", "b": 5, "c": true, "d": .string("ünï")])
        for i in 0..<20_000 {
            let input = i % 2 == 0 ? Self.mutate(valid, &g) : (0..<Int.random(in: 0...64, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            if let fields = try? CanonicalEncoding.decodeFields(input) {
                #expect(CanonicalEncoding.encodeFields(fields) == input, "accepted input must be canonical (seed 1, iteration \(i))")
            }
        }
    }

    @Test func theJSONReaderNeverCrashesOnRandomOrMutatedLines() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 12)
        let export = bed.path("e.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        let lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        let key = try bed.publicKey()
        var g = SeededGenerator(seed: 2)
        for i in 0..<6_000 {
            let base = lines[i % lines.count]
            let input = Self.mutate(base, &g)
            if let object = try? JSONLine.object(input) {
                _ = try? JSONLine.parseRecord(object)
                _ = try? JSONLine.parseCheckpoint(object)
            }
            _ = try? AuditExportHeader.parse(input, path: "fuzz")
            _ = try? AuditProofDocument.check(input, publicKey: key)
        }
        // Deep nesting and huge numbers are refused, not recursed into or wrapped.
        #expect(throws: AuditError.self) { try JSONValue.parse(Array(String(repeating: "[", count: 100_000).utf8)) }
        #expect(throws: AuditError.self) { try JSONValue.parse(Array("99999999999999999999".utf8)) }
        #expect(throws: AuditError.self) { try JSONValue.parse(Array("\"\\ud800\"".utf8)) }
        #expect(try JSONValue.parse(Array("\"\\ud83d\\ude00\"".utf8)) == .string("😀"))
    }

    @Test func mutatedExportAndWitnessFilesGiveAReportOrAnErrorNeverACrashOrAFalseOK() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 20, checkpointEvery: 5)
        let export = bed.path("e.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: export)))
        let witness = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bed.witnessPath)))
        let key = try bed.publicKey()
        let mutated = bed.path("m.jsonl")
        let mutatedWitness = bed.path("m.witness")
        var g = SeededGenerator(seed: 3)
        var accepted = 0
        for i in 0..<300 {
            let bytes = Self.mutate(original, &g)
            try Data(bytes).write(to: URL(fileURLWithPath: mutated))
            try Data(i % 3 == 0 ? Self.mutate(witness, &g) : witness).write(to: URL(fileURLWithPath: mutatedWitness))
            guard let report = try? AuditVerifier.verifyExport(path: mutated, publicKey: key, witnessPath: mutatedWitness) else { continue }
            if report.isValid {
                accepted += 1
                // Only changes that leave every hashed and signed value intact may pass (e.g. JSON
                // whitespace, or dropping unsigned trailing bytes of a torn witness line).
                let roundTrip = try AuditVerifier.verifyExport(path: export, publicKey: key)
                #expect(report.root == roundTrip.root && report.recordCount == roundTrip.recordCount, "seed 3 iteration \(i)")
            }
        }
        #expect(accepted < 300)
    }
}
