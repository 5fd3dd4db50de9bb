/// The first line of a JSONL export (AUDIT-FORMAT.md §5.1): which log, which records, and the
/// state of the chain just before the first exported record, so an export can start mid-log.
struct AuditExportHeader: Equatable {
    static let format = "warden-audit-export"
    static let version: Int64 = 1

    var logID: String
    var firstSeq: UInt64
    var lastSeq: UInt64
    /// Hash of record `firstSeq - 1` (genesis zeros when `firstSeq` is 1).
    var basePrevHash: [UInt8]
    /// Compact range of records 1...`firstSeq - 1`, authenticated once a checkpoint root matches.
    var baseRange: CompactRange

    func line() -> String {
        var s = "{\"kind\":\"header\",\"format\":\"\(Self.format)\",\"version\":\(Self.version),\"log_id\":"
        JSONLine.quote(logID, into: &s)
        s += ",\"first_seq\":\(firstSeq),\"last_seq\":\(lastSeq),\"base_prev_hash\":\"\(Hex.encode(basePrevHash))\",\"base_range\":["
        s += baseRange.hashes.map { "\"\(Hex.encode($0))\"" }.joined(separator: ",")
        s += "]}"
        return s
    }

    static func parse(_ line: [UInt8]?, path: String) throws(AuditError) -> AuditExportHeader {
        guard let line else { throw AuditError(.malformedInput, "\(path) is empty") }
        do throws(AuditError) {
            let o = try JSONLine.object(line)
            guard try JSONLine.string(o, "kind") == "header", try JSONLine.string(o, "format") == format else {
                throw AuditError(.malformedInput, "first line is not a Warden audit export header")
            }
            guard try JSONLine.integer(o, "version") == version else {
                throw AuditError(.malformedInput, "unsupported export version")
            }
            let logID = try JSONLine.string(o, "log_id")
            guard AuditEvent.isValidName(logID) else { throw AuditError(.malformedInput, "invalid log id") }
            let firstSeq = try JSONLine.unsigned(o, "first_seq")
            let lastSeq = try JSONLine.unsigned(o, "last_seq")
            guard firstSeq >= 1, lastSeq + 1 >= firstSeq else { throw AuditError(.malformedInput, "invalid seq range") }
            guard let range = CompactRange(size: firstSeq - 1, hashes: try JSONLine.hexList(o, "base_range")) else {
                throw AuditError(.malformedInput, "base_range does not match first_seq")
            }
            return AuditExportHeader(
                logID: logID, firstSeq: firstSeq, lastSeq: lastSeq,
                basePrevHash: try JSONLine.hex(o, "base_prev_hash", count: 32), baseRange: range
            )
        } catch {
            throw AuditError(.malformedInput, "line 1 of \(path): \(error.reason)")
        }
    }
}
