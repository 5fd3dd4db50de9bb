import ArgumentParser
import Foundation
import WardenAudit

/// `warden audit bench`: durable appends per second through the server's code path (group
/// commit, checkpoints and witness included).
struct AuditBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Append N synthetic events with W concurrent writers and print durable appends per second."
    )

    @Option(name: .long, help: "Database file to create or extend.")
    var db: String

    @Option(name: .long, help: "Signing key file (audit-signing.key).")
    var key: String

    @Option(name: .long, help: "Witness file (outside the database directory).")
    var witness: String

    @Option(name: .long, help: "Number of records to append.")
    var records: Int

    @Option(name: .long, help: "Concurrent writers (each awaits its append, as a request handler does).")
    var writers: Int = 1

    @Option(name: .long, help: "Checkpoint every N records.")
    var checkpointEvery: Int = 1000

    @Option(name: .long, help: "Log id of the benchmark chain.")
    var logId: String = "bench"

    @Flag(name: .long, help: "Print each acknowledged seq on standard output as soon as it is durable (for crash tests).")
    var printAcks = false

    @Flag(name: .long, help: "Skip timing `verify` on the database afterwards.")
    var noVerify = false

    @Option(name: .long, help: "Also export the whole log to this JSONL file and time `verify --export` on it.")
    var exportTo: String?

    func validate() throws {
        guard records >= 1, writers >= 1 else { throw ValidationError("--records and --writers must be at least 1") }
    }

    static func cpuSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    func run() async throws {
        var config = AuditLogConfiguration(databasePath: db, signingKeyPath: key, witnessPath: witness, logID: logId)
        config.checkpointEveryRecords = checkpointEvery
        let log = try AuditCLI.run { try AuditLog(configuration: config) }
        let printAcks = printAcks
        let perWriter = records / writers
        let extra = records % writers
        let cpuStart = Self.cpuSeconds()
        let start = ContinuousClock.now
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    let count = perWriter + (w < extra ? 1 : 0)
                    group.addTask {
                        for i in 0..<count {
                            let receipt = try await log.append(AuditEvent(
                                type: .requestDecided, actor: "spiffe://warden.local/team/bench/user/w\(w)",
                                fields: ["request_id": .string("bench-\(w)-\(i)"), "allowed": true, "rule": "p, bench, *, allow",
                                         "prompt_hash": .string("hmac-sha256:" + String(repeating: "ab", count: 32)), "tokens": .integer(Int64(i))]
                            ))
                            if printAcks {
                                // Unbuffered, so every line written is in the pipe even if the process is killed next.
                                FileHandle.standardOutput.write(Data("ack \(receipt.seq) w\(w)-\(i)\n".utf8))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch let error as AuditError {
            AuditCLI.printError("error: \(error)")
            throw ExitCode(2)
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let transactions = log.transactionCount
        try await log.close()
        let cpu = Self.cpuSeconds() - cpuStart
        let rate = Double(records) / seconds
        print(String(format: "appended %d durable records with %d writers in %.3f s: %.0f appends/s (process CPU %.3f s, %.0f appends per CPU-second; %d group commits, %.1f records each)",
                     records, writers, seconds, rate, cpu, Double(records) / max(cpu, 1e-9), transactions, Double(records) / Double(max(transactions, 1))))
        if !noVerify { try timeVerification() }
    }

    /// Times the auditor's checks on what was just written, as `warden audit verify` runs them.
    private func timeVerification() throws {
        let publicKey = try AuditCLI.run { try AuditKeys.loadSigner(path: key).publicKey }
        try Self.timed("verify") {
            try AuditVerifier.verifyDatabase(path: db, publicKey: publicKey, witnessPath: witness)
        }
        guard let exportTo else { return }
        let summary = try AuditCLI.run { try AuditExporter.export(databasePath: db, outputPath: exportTo, from: nil, to: nil) }
        print("exported \(summary.records) records and \(summary.checkpoints) checkpoints to \(exportTo)")
        try Self.timed("verify --export") {
            try AuditVerifier.verifyExport(path: exportTo, publicKey: publicKey, witnessPath: witness)
        }
    }

    private static func timed(_ label: String, _ body: () throws -> VerificationReport) throws {
        let cpuStart = cpuSeconds()
        let start = ContinuousClock.now
        let report = try AuditCLI.run { try body() }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let cpu = cpuSeconds() - cpuStart
        print("\(label): " + String(format: "%llu records in %.3f s = %.0f records/s (process CPU %.3f s)",
                                    report.recordCount, seconds, Double(report.recordCount) / max(seconds, 1e-9), cpu))
        print("\(label): \(report.summary)")
        guard report.isValid else { throw ExitCode(1) }
    }
}
