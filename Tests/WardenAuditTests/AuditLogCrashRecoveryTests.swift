import Dispatch
import Foundation
import GRDB
import Testing
@testable import WardenAudit

/// A child process appends under concurrent load (`warden audit bench --print-acks`, the server's
/// code path) and is killed with SIGKILL at random moments, many times over the same log. After
/// each kill the log must verify (with its witness) and every acknowledged append must be there.
@Suite struct AuditLogCrashRecoveryTests {
    /// The `warden` executable (or the dev package's `DevCLI`) built next to this test binary.
    static func wardenExecutable() -> String? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On macOS the test binary sits inside a .xctest bundle; walk up to the build folder.
        while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
        for name in ["warden", "DevCLI"] {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    @Test func killingAnAppendingProcessNeverLosesAnAcknowledgedRecordOrBreaksTheChain() async throws {
        guard let warden = Self.wardenExecutable() else {
            Issue.record("the warden executable was not found next to the test binary; build it with `swift build` first")
            return
        }
        let bed = try AuditTestBed(logID: "crash-test")
        var generator = SeededGenerator(seed: 20261123)
        var acknowledged = [UInt64: String]()
        let rounds = 12
        for round in 0..<rounds {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: warden)
            process.arguments = [
                "audit", "bench", "--db", bed.databasePath, "--key", bed.keys.signingKey, "--witness", bed.witnessPath,
                "--records", "10000000", "--writers", "16", "--checkpoint-every", "50", "--log-id", "crash-test", "--print-acks",
            ]
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let collected = OutputCollector(handle: out.fileHandleForReading)
            let delay = UInt64.random(in: 80...600, using: &generator)
            try await Task.sleep(for: .milliseconds(delay))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let output = collected.wait()
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the child exited by itself: \(errors)")
            var acksThisRound = 0
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: " ")
                // A line cut short by the kill is not an acknowledgement the child finished printing.
                guard parts.count == 3, parts[0] == "ack", let seq = UInt64(parts[1]), parts[2].contains("-") else { continue }
                acknowledged[seq] = "bench-" + parts[2].dropFirst()
                acksThisRound += 1
            }
            let report = try AuditVerifier.verifyDatabase(path: bed.databasePath, publicKey: bed.publicKey(), witnessPath: bed.witnessPath)
            #expect(report.isValid, "round \(round) after \(delay) ms, \(acksThisRound) acks: \(report.summary)")
            #expect(UInt64(acknowledged.count) <= report.recordCount)
            try checkAcknowledgedRecordsArePresent(acknowledged, databasePath: bed.databasePath, round: round)
        }
        #expect(acknowledged.count > rounds, "the children acknowledged some appends before being killed")
    }

    func checkAcknowledgedRecordsArePresent(_ acknowledged: [UInt64: String], databasePath: String, round: Int) throws {
        let queue = try DatabaseQueue(path: databasePath, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        let stored: [UInt64: String] = try queue.read { db in
            var map = [UInt64: String]()
            for row in try Row.fetchAll(db, sql: "SELECT seq, fields FROM audit_records") {
                let fields = try CanonicalEncoding.decodeFields([UInt8](row["fields"] as Data))
                if case .string(let id)? = fields["request_id"] { map[UInt64(row["seq"] as Int64)] = id }
            }
            return map
        }
        let missing = acknowledged.filter { stored[$0.key] != $0.value }
        #expect(missing.isEmpty, "round \(round): \(missing.count) acknowledged records missing or different, e.g. \(missing.first.map { "\($0)" } ?? "")")
    }
}

/// Reads a pipe to its end on a background thread, so the child never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
