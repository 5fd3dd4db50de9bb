import ArgumentParser
import Foundation
import Logging
import WardenGateway

/// `warden serve`: runs the gateway until SIGTERM; SIGHUP reloads certificates, CRL and policy.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway (HTTPS with client certificates only).")

    @Option(help: "The YAML configuration (see Docs/CONFIGURATION.md).") var config: String
    @Option(help: "Override server.port.") var port: Int?

    func run() async throws {
        var configuration = try WardenConfiguration.load(path: config)
        if let port { configuration.server.port = port }
        configuration.logging.bootstrap()
        let logger = Logger(label: "warden")
        let gateway = try await GatewayAssembly.make(configuration: configuration, logger: logger)
        logger.notice(
            "warden listening",
            metadata: ["address": "\(configuration.server.host):\(configuration.server.port)"])
        try await gateway.run()
    }
}
