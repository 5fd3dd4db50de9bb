import Dispatch
import Foundation
import GRDB
import Testing
@testable import WardenAudit

@Suite struct AuditLogTests {
    @Test func appendsGetGaplessSequenceNumbersAndTheLogVerifies() async throws {
        let bed = try AuditTestBed()
        let receipts = try await bed.writeLog(count: 25)
        #expect(receipts.map(\.seq) == Array(1...25))
        #expect(zip(receipts, receipts.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        let report = try bed.verify()
        #expect(report.isValid, "\(report.summary)")
        #expect(report.recordCount == 25)
        // Checkpoints at 10 and 20 by count, and a final one at 25 on close.
        #expect(report.checkpointCount == 3)
        #expect(report.witnessCheckpointCount == 3)
        #expect(report.signedTreeSize == 25)
        #expect(report.summary.hasPrefix("OK: 25 records, 3 checkpoints, root "))
    }

    @Test func concurrentAppendsFromManyTasksAreAllDurableAndDistinct() async throws {
        let bed = try AuditTestBed()
        let log = try AuditLog(configuration: bed.configuration(checkpointEvery: 100))
        let seqs = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for writer in 0..<32 {
                group.addTask {
                    var mine = [UInt64]()
                    for i in 0..<20 { mine.append(try await log.append(AuditTestBed.event(writer * 100 + i)).seq) }
                    return mine
                }
            }
            var all = [UInt64]()
            for try await part in group { all += part }
            return all
        }
        try await log.close()
        #expect(seqs.sorted() == Array(1...640))
        #expect(try bed.verify().isValid)
    }

    @Test func batchAppendGetsConsecutiveSequenceNumbers() async throws {
        let bed = try AuditTestBed()
        let log = try AuditLog(configuration: bed.configuration())
        try await log.append(AuditTestBed.event(0))
        let receipts = try await log.append((1...5).map(AuditTestBed.event))
        #expect(receipts.map(\.seq) == [2, 3, 4, 5, 6])
        try await log.close()
        #expect(try bed.verify().isValid)
    }

    @Test func reopeningContinuesTheSameChain() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 15)
        let log = try AuditLog(configuration: bed.configuration())
        #expect(log.recordCount == 15)
        let receipt = try await log.append(AuditTestBed.event(16))
        #expect(receipt.seq == 16)
        try await log.close()
        let report = try bed.verify()
        #expect(report.isValid, "\(report.summary)")
        #expect(report.recordCount == 16)
    }

    @Test func appendsAfterCloseFailClosed() async throws {
        let bed = try AuditTestBed()
        let log = try AuditLog(configuration: bed.configuration())
        try await log.close()
        await #expect(throws: AuditError(.closed, "")) { try await log.append(AuditTestBed.event(1)) }
        try await log.close()  // closing twice is harmless
    }

    @Test func checkpointIsWrittenAfterTheConfiguredIntervalEvenWithoutMoreRecords() async throws {
        let bed = try AuditTestBed()
        let log = try AuditLog(configuration: bed.configuration(checkpointEvery: 1000, interval: 0.2))
        try await log.append(AuditTestBed.event(1))
        // Poll (up to 10 s on a loaded machine) for the timed checkpoint to reach the witness.
        var witnessed = [UInt64]()
        for _ in 0..<100 where witnessed.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            witnessed = try WitnessFile.read(path: bed.witnessPath).checkpoints.map(\.treeSize)
        }
        #expect(witnessed == [1])
        try await log.close()
    }

    @Test func invalidEventsAreRejectedBeforeTheyReachTheLog() async throws {
        let bed = try AuditTestBed()
        let log = try AuditLog(configuration: bed.configuration())
        let bad = [
            AuditEvent(type: "Request.Decided", actor: "a"),
            AuditEvent(type: "", actor: "a"),
            AuditEvent(type: "x", actor: "a", fields: ["Bad Name": true]),
            AuditEvent(type: "x", actor: String(repeating: "a", count: 2000)),
            AuditEvent(type: "x", actor: "a", fields: ["big": .string(String(repeating: "z", count: 20000))]),
        ]
        for event in bad {
            await #expect(throws: AuditError(.invalidEvent, "")) { try await log.append(event) }
        }
        #expect(log.recordCount == 0)
        try await log.close()
    }

    @Test func theWitnessMustLiveOutsideTheDatabaseDirectory() throws {
        let bed = try AuditTestBed()
        var config = bed.configuration()
        config.witnessPath = bed.root.appendingPathComponent("db/witness").path
        #expect(throws: AuditError(.invalidConfiguration, "")) { try AuditLog(configuration: config) }
    }

    @Test func aDatabaseThatLostItsTailRefusesToOpenAgainstItsWitness() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 30)
        try bed.tamper { db in
            try db.execute(sql: "DELETE FROM audit_records WHERE seq > 12")
            try db.execute(sql: "DELETE FROM audit_checkpoints WHERE tree_size > 12")
        }
        #expect(throws: AuditError(.logBehindWitness, "")) { try AuditLog(configuration: bed.configuration()) }
    }

    @Test func aCheckpointCommittedButNotWitnessedBeforeACrashIsWitnessedOnReopen() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 20)
        // Simulate a crash between the database commit and the witness write: drop the last witness line
        // and leave half of it behind, as a torn write.
        let lines = try String(contentsOfFile: bed.witnessPath, encoding: .utf8).split(separator: "\n")
        let kept = lines.dropLast().joined(separator: "\n") + "\n" + lines.last!.prefix(30)
        try kept.write(toFile: bed.witnessPath, atomically: false, encoding: .utf8)
        let torn = try bed.verify()
        #expect(torn.isValid)
        #expect(torn.notes.contains { $0.contains("incomplete line") })
        let log = try AuditLog(configuration: bed.configuration())
        try await log.close()
        let witness = try WitnessFile.read(path: bed.witnessPath)
        #expect(witness.checkpoints.map(\.treeSize) == [10, 20])
        #expect(!witness.hadTornTail)
    }

    @Test func aDatabaseOfAnotherLogIsRefused() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 3)
        var config = bed.configuration()
        config.logID = "other-instance"
        #expect(throws: AuditError(.invalidConfiguration, "")) { try AuditLog(configuration: config) }
    }

    @Test func keyedHashesAreHMACSHA256UnderTheConfiguredKey() async throws {
        let bed = try AuditTestBed()
        let log = try AuditLog(configuration: bed.configuration())
        let h1 = try log.keyedHash(of: "secret prompt")
        let h2 = try log.keyedHash(of: "secret prompt ")
        #expect(h1.hasPrefix("hmac-sha256:") && h1.count == 12 + 64)
        #expect(h1 != h2)
        #expect(!h1.contains("secret"))
        try await log.close()
        // The same key loaded independently gives the same hash; a different key does not.
        #expect(try AuditKeys.loadKeyedHasher(path: bed.keys.hmacKey).keyedHash(of: "secret prompt") == h1)
        let other = try AuditTestBed()
        #expect(try AuditKeys.loadKeyedHasher(path: other.keys.hmacKey).keyedHash(of: "secret prompt") != h1)
    }

    @Test func aFailedWriteFailsTheAppendAndTheLogStaysClosedUntilReopened() async throws {
        let bed = try AuditTestBed()
        var config = bed.configuration()
        config.busyTimeoutSeconds = 0.1
        let log = try AuditLog(configuration: config)
        try await log.append(AuditTestBed.event(1))
        // Another connection holds the write lock, so the writer's commit fails.
        let blocker = try DatabaseQueue(path: bed.databasePath)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? blocker.inDatabase { db in
                try db.inTransaction(.immediate) {
                    locked.signal()
                    release.wait()
                    return .rollback
                }
            }
        }
        locked.wait()
        await #expect(throws: AuditError(.storage, "")) { try await log.append(AuditTestBed.event(2)) }
        release.signal()
        // Fail closed: even with the lock gone, this process's log refuses appends.
        await #expect(throws: AuditError.self) { try await log.append(AuditTestBed.event(3)) }
        try await log.close()
        let reopened = try AuditLog(configuration: config)
        #expect(try await reopened.append(AuditTestBed.event(2)).seq == 2)
        try await reopened.close()
        #expect(try bed.verify().isValid)
    }
}
