import Foundation
import Testing
@testable import WardenAudit

/// Two writers of one database (a server and `warden keys rotate` beside it) take turns and keep one chain.
@Suite struct SharedWriterTests {
    @Test func interleavedWritersExtendOneGaplessVerifiableChain() async throws {
        let bed = try AuditTestBed()
        let server = try AuditLog(configuration: bed.configuration(checkpointEvery: 7))
        var seqs: [UInt64] = []
        for i in 0..<10 { seqs.append(try await server.append(AuditTestBed.event(i)).seq) }
        // A second writer opened while the first is live, as the CLI is beside a running server.
        let operator_ = try AuditLog(configuration: bed.configuration(checkpointEvery: 7))
        for i in 10..<15 { seqs.append(try await operator_.append(AuditTestBed.event(i)).seq) }
        try await operator_.checkpoint()
        for i in 15..<20 { seqs.append(try await server.append(AuditTestBed.event(i)).seq) }
        seqs.append(try await operator_.append(AuditTestBed.event(20)).seq)
        try await operator_.close()
        for i in 21..<25 { seqs.append(try await server.append(AuditTestBed.event(i)).seq) }
        try await server.close()
        #expect(seqs == Array(1...25))
        let report = try bed.verify()
        #expect(report.isValid, "\(report.summary)")
        #expect(report.recordCount == 25)
        #expect(report.signedTreeSize == 25)
    }

    @Test func concurrentWritersOnOneDatabaseNeverForkTheChain() async throws {
        let bed = try AuditTestBed()
        let first = try AuditLog(configuration: bed.configuration(checkpointEvery: 50))
        let second = try AuditLog(configuration: bed.configuration(checkpointEvery: 50))
        let seqs = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for (index, log) in [first, second].enumerated() {
                for writer in 0..<4 {
                    group.addTask {
                        var mine = [UInt64]()
                        for i in 0..<25 { mine.append(try await log.append(AuditTestBed.event(index * 1000 + writer * 100 + i)).seq) }
                        return mine
                    }
                }
            }
            var all = [UInt64]()
            for try await part in group { all += part }
            return all
        }
        try await first.close()
        try await second.close()
        #expect(seqs.sorted() == Array(1...200))
        let report = try bed.verify()
        #expect(report.isValid, "\(report.summary)")
        #expect(report.recordCount == 200)
    }
}
