import WardenAudit
import WardenSeal

/// Sends the sealed store's and key ring's events to the audit log, so every key operation, read and shred is
/// recorded in the same signed chain as the requests. Throws (and so fails the operation) when the log cannot.
public struct AuditSealEventSink: SealEventSink {
    let log: AuditLog

    public init(log: AuditLog) {
        self.log = log
    }

    public func record(_ event: SealEvent) async throws {
        var fields: [String: AuditFieldValue] = [:]
        for (key, value) in event.fields { fields[key] = .string(value) }
        for (key, value) in event.integers { fields[key] = .integer(Int64(value)) }
        if !event.recordIDs.isEmpty {
            fields["record_ids"] = .string(event.recordIDs.joined(separator: ","))
            fields["record_count"] = .integer(Int64(event.recordIDs.count))
        }
        try await log.append(AuditEvent(type: AuditEventType(rawValue: event.kind.rawValue), actor: event.actor, fields: fields))
    }
}

extension WardenConfiguration.Audit {
    /// The audit library's configuration for these settings.
    public var logConfiguration: AuditLogConfiguration {
        var configuration = AuditLogConfiguration(
            databasePath: databasePath, signingKeyPath: signingKeyPath, witnessPath: witnessPath, logID: logID,
            hmacKeyPath: hmacKeyPath)
        configuration.checkpointEveryRecords = checkpointEveryRecords
        configuration.checkpointIntervalSeconds = Double(checkpointIntervalSeconds)
        return configuration
    }
}

extension WardenConfiguration.Seal {
    /// Where the key ring comes from: an environment variable or systemd credential if named, else the file.
    public var keyRingSource: KeyRingSource {
        if let keyRingEnvironment { return .environment(variable: keyRingEnvironment) }
        if let keyRingCredential { return .systemdCredential(name: keyRingCredential) }
        return .file(path: keyRingPath)
    }

    /// The store's configuration; the gateway's own `request.completed` event carries the record ids, so the
    /// store does not also emit `prompt.stored` for each seal.
    public var storeConfiguration: SealedStoreConfiguration {
        var configuration = SealedStoreConfiguration(databasePath: databasePath, keyRing: keyRingSource)
        configuration.recordsStoreEvents = false
        let byTeam = retentionDaysByTeam.mapValues { Duration.seconds(Int64($0) * 86_400) }
        configuration.retention = RetentionPolicy(
            defaultMaximumAge: retentionDays > 0 ? .seconds(Int64(retentionDays) * 86_400) : nil,
            maximumAgeByDomain: byTeam)
        return configuration
    }
}
