import Logging
import WardenGateway

/// Composes the gateway from its libraries for `warden serve`.
enum GatewayAssembly {
    static func make(configuration: WardenConfiguration, logger: Logger) async throws -> WardenGateway {
        try WardenGateway(configuration: configuration, logger: logger)
    }
}
