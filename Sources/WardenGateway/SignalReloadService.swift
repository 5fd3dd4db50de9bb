import ServiceLifecycle
import UnixSignals

/// Reloads TLS material and policy on every SIGHUP until shutdown.
struct SignalReloadService: Service {
    let gateway: WardenGateway

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            await gateway.reload()
        }
    }
}
