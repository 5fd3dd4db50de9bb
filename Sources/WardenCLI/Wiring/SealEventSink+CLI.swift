import ArgumentParser
import Foundation
import WardenAudit
import WardenGateway
import WardenSeal

/// The audit sink for `warden keys` and `warden prompts`: the signed audit log named by `--config`.
///
/// There is deliberately no way to run these commands without an audit log: every key operation, read and shred
/// must be recorded, and the store fails the operation when the record cannot be written.
func makeSealEventSink(for options: SealCommandOptions) async throws -> any SealEventSink {
    guard let configuration = try options.wardenConfiguration() else {
        throw ValidationError("give --config FILE: key and prompt operations are recorded in that configuration's audit log")
    }
    return CheckpointingSink(log: try AuditLog(configuration: configuration.audit.logConfiguration))
}

/// A command-line process appends a handful of events and exits without closing the log, so each event is
/// followed by a signed checkpoint: an operator's key rotation is never left in the unsigned tail.
private struct CheckpointingSink: SealEventSink {
    let log: AuditLog

    func record(_ event: SealEvent) async throws {
        try await AuditSealEventSink(log: log).record(event)
        try await log.checkpoint()
    }
}
