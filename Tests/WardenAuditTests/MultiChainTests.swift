import Foundation
import GRDB
import Testing
@testable import WardenAudit

/// Scale-out: each gateway instance writes its own chain with its own log id (AUDIT-FORMAT.md §8).
@Suite struct MultiChainTests {
    @Test func twoInstancesWriteIndependentChainsThatEachVerifyAndCannotBeMixed() async throws {
        let a = try AuditTestBed(logID: "gateway-a")
        let b = try AuditTestBed(logID: "gateway-b")
        try await a.writeLog(count: 23)
        try await b.writeLog(count: 31)
        let ra = try a.verify()
        let rb = try b.verify()
        #expect(ra.isValid && ra.logID == "gateway-a" && ra.recordCount == 23)
        #expect(rb.isValid && rb.logID == "gateway-b" && rb.recordCount == 31)
        // B's witness does not vouch for A's log.
        let mixed = try AuditVerifier.verifyDatabase(path: a.databasePath, publicKey: a.publicKey(), witnessPath: b.witnessPath)
        #expect(mixed.problem?.kind == .wrongLog)
        // A record copied from chain B into chain A does not verify there (the log id is hashed in).
        try a.tamper { db in
            try db.execute(sql: "ATTACH DATABASE ? AS other", arguments: [b.databasePath])
            try db.execute(sql: "UPDATE audit_records SET fields = (SELECT fields FROM other.audit_records WHERE seq = 5), hash = (SELECT hash FROM other.audit_records WHERE seq = 5) WHERE seq = 5")
            try db.execute(sql: "DETACH DATABASE other")
        }
        #expect(try a.verify().problem?.seq == 5)
    }
}
