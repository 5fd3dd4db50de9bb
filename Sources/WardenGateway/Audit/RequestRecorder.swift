import Foundation
import Hummingbird
import Logging
import Synchronization
import WardenAudit
import WardenPKI
import WardenSeal

/// Writes what the gateway must remember about each request: the decision in the audit log before any answer,
/// and after a completion the sealed prompt, completion and body with their record ids and keyed hashes.
///
/// Fail closed: if a record cannot be made durable the request gets 503, never an unaudited answer.
public final class RequestRecorder: Sendable {
    public let audit: AuditLog
    let store: SealedStore
    let logger: Logger
    private let healthy = Atomic<Bool>(true)

    /// False after an append failed, until one succeeds again; `/readyz` reports it.
    public var isHealthy: Bool { healthy.load(ordering: .relaxed) }

    public init(audit: AuditLog, store: SealedStore, logger: Logger) {
        self.audit = audit
        self.store = store
        self.logger = logger
    }

    /// `request.decided`, durable before the request goes any further.
    func recordDecision(requestID: String, access: AccessRequest, decision: AccessDecision) async throws(OpenAIError) {
        let fields: [String: AuditFieldValue] = [
            "request_id": .string(requestID), "method": .string(access.method), "path": .string(access.path),
            "model": .string(access.model), "allowed": .bool(decision.allowed), "rule": .string(decision.rule),
            "reason": .string(String(decision.reason.prefix(1024))), "policy_version": .string(decision.policyVersion),
            "team": .string(access.identity.team), "role": .string(access.identity.primaryRole),
            "client_address": .string(access.clientAddress), "certificate_serial": .string(access.identity.certificateSerial),
        ]
        try await append(AuditEvent(type: .requestDecided, actor: access.identity.subject, fields: fields), requestID: requestID)
    }

    /// Seals prompt, completion and body, then writes `request.completed` with their ids and keyed hashes.
    func recordCompletion(
        context: WardenRequestContext, model: String, prompt: String, outcome: GenerationOutcome, latency: Duration
    ) async throws {
        guard let identity = context.identity else { throw OpenAIError.auditUnavailable }
        var ids: [String: String] = [:]
        do {
            for (name, kind, bytes) in [
                ("prompt_record", RecordKind.prompt, Array(prompt.utf8)),
                ("completion_record", RecordKind.completion, Array(outcome.text.utf8)),
                ("body_record", RecordKind.requestBody, context.body ?? []),
            ] {
                let metadata = RecordMetadata(
                    owner: identity.subject, domain: identity.team, kind: kind, model: model.isEmpty ? nil : model)
                ids[name] = try await store.seal(bytes, metadata: metadata)
            }
        } catch {
            logger.error("sealing failed", metadata: ["request_id": "\(context.requestID)", "error_type": "\(type(of: error))"])
            throw OpenAIError.auditUnavailable
        }
        let milliseconds = latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000
        var fields: [String: AuditFieldValue] = [
            "request_id": .string(context.requestID), "model": .string(model),
            "prompt_tokens": .integer(Int64(outcome.promptTokens)),
            "completion_tokens": .integer(Int64(outcome.completionTokens)),
            "finish_reason": .string(outcome.finishReason), "latency_ms": .integer(milliseconds),
        ]
        for (name, id) in ids { fields[name] = .string(id) }
        do {
            fields["prompt_hmac"] = .string(try audit.keyedHash(of: prompt))
            fields["completion_hmac"] = .string(try audit.keyedHash(of: outcome.text))
        } catch {
            throw OpenAIError.auditUnavailable
        }
        try await append(AuditEvent(type: .requestCompleted, actor: identity.subject, fields: fields), requestID: context.requestID)
    }

    /// `policy.reloaded` or `policy.rejected`, with the hashes of the files tried.
    func recordPolicyReload(_ report: PolicyService.ReloadReport, actor: String) async {
        var fields: [String: AuditFieldValue] = [:]
        for (path, hash) in report.fileHashes { fields[Self.hashFieldName(forFile: path)] = .string(hash) }
        if let version = report.version { fields["version"] = .string(version) }
        if !report.errors.isEmpty { fields["errors"] = .string(String(report.errors.joined(separator: "\n").prefix(8000))) }
        let event = AuditEvent(type: report.succeeded ? .policyReloaded : .policyRejected, actor: actor, fields: fields)
        do {
            try await audit.append(event)
        } catch {
            logger.error("cannot audit a policy reload", metadata: ["error": "\(error)"])
        }
    }

    /// `sha256.<file name>`, lowercased and limited to the characters audit field names allow.
    static func hashFieldName(forFile path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character)) ? character : "_"
        }
        return "sha256." + String(String(name).prefix(100))
    }

    /// `server.started` / `server.stopped`.
    func recordServer(_ type: AuditEventType, actor: String, fields: [String: AuditFieldValue]) async throws {
        try await audit.append(AuditEvent(type: type, actor: actor, fields: fields))
    }

    private func append(_ event: AuditEvent, requestID: String) async throws(OpenAIError) {
        do {
            try await audit.append(event)
            healthy.store(true, ordering: .relaxed)
        } catch {
            healthy.store(false, ordering: .relaxed)
            logger.error("audit append failed; refusing the request", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
            throw OpenAIError.auditUnavailable
        }
    }
}
