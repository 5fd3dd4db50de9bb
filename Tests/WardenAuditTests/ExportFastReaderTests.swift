import Foundation
import Testing
@testable import WardenAudit

/// The export verifier reads Warden's own record lines with a fast single-pass reader and hands
/// everything else to the strict general parser; the two must never disagree on a line the fast
/// reader accepts, and the fast reader must accept what Warden writes (or it would not be used).
@Suite struct ExportFastReaderTests {
    /// What the strict parser makes of a record line, in the form the verifier hashes.
    struct Parsed: Equatable {
        var seq: UInt64, timestamp: Int64, type: [UInt8], actor: [UInt8], fields: [UInt8], prevHash: [UInt8], hash: [UInt8]
    }

    static func strict(_ line: [UInt8]) -> Parsed? {
        guard let object = try? JSONLine.object(line), (try? JSONLine.string(object, "kind")) == "record",
              let r = try? JSONLine.parseRecord(object) else { return nil }
        return Parsed(seq: r.seq, timestamp: r.timestamp, type: Array(r.event.type.rawValue.utf8), actor: Array(r.event.actor.utf8),
                      fields: CanonicalEncoding.encodeFields(r.event.fields), prevHash: r.prevHash, hash: r.hash)
    }

    static func fast(_ line: [UInt8]) -> Parsed? {
        var reader = ExportRecordLine()
        return line.withUnsafeBytes { raw -> Parsed? in
            guard reader.parse(raw) else { return nil }
            return Parsed(seq: reader.seq, timestamp: reader.timestamp, type: Array(raw[reader.type]), actor: Array(raw[reader.actor]),
                          fields: reader.fields, prevHash: reader.prevHash.bytes, hash: reader.hash.bytes)
        }
    }

    static func randomRecord(_ g: inout SeededGenerator, asciiOnly: Bool) -> AuditRecord {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789._-")
        let printable = asciiOnly ? Array(" !#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~") : Array(" a\"\\\n\té✓𝄞\u{7F}\u{01}/")
        func name() -> String { String((0..<Int.random(in: 1...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! }) }
        func text(_ max: Int) -> String { String((0..<Int.random(in: 0...max, using: &g)).map { _ in printable.randomElement(using: &g)! }) }
        var fields = [String: AuditFieldValue]()
        for _ in 0..<Int.random(in: 0...6, using: &g) {
            switch Int.random(in: 0..<3, using: &g) {
            case 0: fields[name()] = .string(text(40))
            case 1: fields[name()] = .integer([Int64.min, Int64.max, 0, -1, Int64.random(in: .min ... .max, using: &g)].randomElement(using: &g)!)
            default: fields[name()] = .bool(Bool.random(using: &g))
            }
        }
        func hash() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) } }
        return AuditRecord(
            seq: [1, UInt64(Int64.max), UInt64.random(in: 1...UInt64(Int64.max), using: &g)].randomElement(using: &g)!,
            timestamp: [Int64.min, Int64.max, 0, Int64.random(in: .min ... .max, using: &g)].randomElement(using: &g)!,
            event: AuditEvent(type: AuditEventType(rawValue: name()), actor: text(60), fields: fields),
            prevHash: hash(), hash: hash()
        )
    }

    @Test func theFastReaderAcceptsEveryPlainASCIIRecordLineWardenWrites() {
        var g = SeededGenerator(seed: 2024)
        for _ in 0..<2000 {
            let record = Self.randomRecord(&g, asciiOnly: true)
            let line = Array(JSONLine.record(record).utf8)
            let fast = Self.fast(line)
            #expect(fast != nil, "\(JSONLine.record(record))")
            #expect(fast == Self.strict(line))
        }
    }

    @Test func theFastReaderNeverDisagreesWithTheStrictParserOnRandomOrMutatedLines() {
        var g = SeededGenerator(seed: 77)
        let inserts: [[UInt8]] = ["\"", "\\", ",", "}", "]", "{", "0", "9", "-", "e", ".", " ", ":", "\u{7F}", "é", "00", "\"x\":1,"]
            .map { Array($0.utf8) } + [[0x80], [0xFF], [0x01]]
        var fastAccepted = 0
        for i in 0..<30000 {
            var line = Array(JSONLine.record(Self.randomRecord(&g, asciiOnly: i % 3 != 0)).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &g) where !line.isEmpty {
                let at = Int.random(in: 0..<line.count, using: &g)
                switch Int.random(in: 0..<4, using: &g) {
                case 0: line[at] = UInt8.random(in: 0...255, using: &g)
                case 1: line.remove(at: at)
                case 2: line.insert(contentsOf: inserts.randomElement(using: &g)!, at: at)
                default: line.removeSubrange(at...)
                }
            }
            guard let fast = Self.fast(line) else { continue }
            fastAccepted += 1
            let strict = Self.strict(line)
            #expect(strict == fast, "line: \(String(decoding: line, as: UTF8.self))")
        }
        #expect(fastAccepted > 100, "mutations that keep a line valid must still be read by the fast reader")
    }

    @Test func valuesAtTheEdgesOfTheirRangesAreReadOrDeclinedLikeTheStrictParser() {
        let zeros = String(repeating: "0", count: 64)
        func line(seq: String = "1", ts: String = "0", type: String = "t", actor: String = "a", fields: String = "", hex: String = zeros) -> [UInt8] {
            Array(#"{"kind":"record","seq":\#(seq),"timestamp":\#(ts),"type":"\#(type)","actor":"\#(actor)","fields":[\#(fields)],"prev_hash":"\#(hex)","hash":"\#(hex)"}"#.utf8)
        }
        let cases: [[UInt8]] = [
            line(seq: "9223372036854775807"), line(seq: "9223372036854775808"), line(seq: "-0"), line(seq: "-1"), line(seq: "01"),
            line(ts: "-9223372036854775808"), line(ts: "-9223372036854775809"), line(ts: "99999999999999999999"), line(ts: "1.5"),
            line(type: ""), line(type: String(repeating: "a", count: 128)), line(type: String(repeating: "a", count: 129)), line(type: "A"),
            line(actor: String(repeating: "b", count: 1024)), line(actor: String(repeating: "b", count: 1025)),
            line(hex: String(repeating: "AbCdEf01", count: 8)), line(hex: String(repeating: "g", count: 64)), line(hex: "00"),
            line(fields: #"{"name":"a","type":"bool","value":true},{"name":"b","type":"integer","value":-5}"#),
            line(fields: #"{"name":"b","type":"bool","value":true},{"name":"a","type":"bool","value":false}"#),
            line(fields: #"{"name":"a","type":"bool","value":true},{"name":"a","type":"bool","value":false}"#),
            line(fields: #"{"name":"a","type":"string","value":"\#(String(repeating: "v", count: 16384))"}"#),
            line(fields: #"{"name":"a","type":"string","value":"\#(String(repeating: "v", count: 16385))"}"#),
            line(fields: #"{"name":"a","type":"integer","value":true}"#),
            line(fields: (0..<65).map { #"{"name":"f\#(1000 + $0)","type":"bool","value":true}"# }.joined(separator: ",")),
            line(fields: (0..<64).map { #"{"name":"f\#(1000 + $0)","type":"bool","value":true}"# }.joined(separator: ",")),
            line() + [0x20], Array(line().dropLast()),
        ]
        for bytes in cases {
            let fast = Self.fast(bytes)
            if let fast { #expect(fast == Self.strict(bytes), "\(String(decoding: bytes, as: UTF8.self).prefix(200))") }
        }
        #expect(Self.fast(line(seq: "9223372036854775807")) != nil && Self.fast(line(ts: "-9223372036854775808")) != nil)
        #expect(Self.fast(cases[18]) != nil, "sorted, distinct fields are read by the fast reader")
    }

    /// A log of plain ASCII events, so that its export goes through the fast reader.
    static func writeASCIILog(_ bed: AuditTestBed, count: Int) async throws {
        let log = try AuditLog(configuration: bed.configuration(checkpointEvery: 10))
        for i in 1...count {
            _ = try await log.append(AuditEvent(type: .requestDecided, actor: "spiffe://warden.local/team/t/user/u\(i % 5)",
                                                fields: ["request_id": .string("req-\(i)"), "tokens": .integer(Int64(i)), "allowed": true]))
        }
        try await log.close()
    }

    @Test func exportsVerifyTheSameThroughTheFastReaderAndTheStrictParser() async throws {
        let bed = try AuditTestBed()
        try await Self.writeASCIILog(bed, count: 30)
        let export = bed.path("all.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        let key = try bed.publicKey()
        /// Every reading mode: fast or strict lines, reader thread or inline, batches of 7 rows or full size.
        func both() throws -> VerificationReport {
            let fast = try AuditVerifier.verifyExport(path: export, publicKey: key, witnessPath: bed.witnessPath, fastLines: true, progress: nil)
            for (fastLines, threaded, rows) in [(false, true, 1024), (false, false, 1024), (true, false, 7), (true, true, 7), (true, true, 1)] {
                let other = try AuditVerifier.verifyExport(path: export, publicKey: key, witnessPath: bed.witnessPath, fastLines: fastLines,
                                                           threaded: threaded, rowsPerBatch: rows, progress: nil)
                #expect(fast == other, "\(fast.summary) vs \(other.summary) (fast \(fastLines), threaded \(threaded), rows \(rows))")
            }
            return fast
        }
        #expect(try both().isValid)
        let original = try String(contentsOfFile: export, encoding: .utf8)
        func edited(_ from: String, _ to: String) throws -> VerificationReport {
            try original.replacingOccurrences(of: from, with: to).write(toFile: export, atomically: true, encoding: .utf8)
            return try both()
        }
        let modified = try edited("\"req-12\"", "\"req-99\"")
        #expect(modified.problem?.kind == .modified && modified.problem?.seq == 12, "\(modified.summary)")
        let spaced = try edited("\"seq\":17,\"timestamp\"", "\"seq\":17, \"timestamp\"")  // not Warden's form: strict parser, still verifies
        #expect(spaced.isValid, "\(spaced.summary)")
        let deleted = try edited("\"seq\":20,", "\"seq\":21,")
        #expect(deleted.problem?.kind == .deleted && deleted.problem?.seq == 20, "\(deleted.summary)")
        // A line over the limit is an error wherever it is met, whichever thread reads it.
        #expect(throws: AuditError(.malformedInput, "")) {
            try edited("\"seq\":9,", "\"seq\":9,\"pad\":\"\(String(repeating: "p", count: JSONLine.maxLineBytes))\",")
        }
        #expect(throws: AuditError(.malformedInput, "")) { try edited("\"seq\":25,", "\"seq\":31,") }
    }
}
