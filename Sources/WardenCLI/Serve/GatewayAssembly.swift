import Logging
import WardenAudit
import WardenGateway
import WardenSeal

/// Composes the gateway from its libraries for `warden serve`: audit log first (nothing is served unaudited),
/// then the sealed store reporting to it, then the model.
enum GatewayAssembly {
    static func make(configuration: WardenConfiguration, logger: Logger) async throws -> WardenGateway {
        let audit = try AuditLog(configuration: configuration.audit.logConfiguration)
        let store = try await SealedStore.open(
            configuration.seal.storeConfiguration, sink: AuditSealEventSink(log: audit))
        let recorder = RequestRecorder(audit: audit, store: store, logger: logger)
        var engine: EngineService?
        if configuration.engine.modelPath != nil {
            engine = try EngineService(settings: configuration.engine, logger: logger)
        } else {
            logger.warning("no engine.model configured: completion routes will answer 503")
        }
        return try WardenGateway(configuration: configuration, recorder: recorder, engine: engine, logger: logger)
    }
}
