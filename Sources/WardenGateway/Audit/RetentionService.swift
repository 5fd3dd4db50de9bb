import Logging
import ServiceLifecycle
import WardenSeal

/// Shreds sealed records past their team's retention age, on a timer, until shutdown. Each shred is audited by
/// the store through its event sink.
struct RetentionService: Service {
    let store: SealedStore
    let configuration: WardenConfiguration.Seal
    let logger: Logger

    func run() async throws {
        guard configuration.retentionDays > 0 || !configuration.retentionDaysByTeam.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        let logger = logger
        await cancelWhenGracefulShutdown {
            await store.runRetention(every: .seconds(configuration.retentionIntervalSeconds)) { result in
                switch result {
                case .success(let report):
                    logger.info("retention pass", metadata: ["report": "\(report)"])
                case .failure(let error):
                    logger.error("retention pass failed; records stay sealed", metadata: ["error_type": "\(type(of: error))"])
                }
            }
        }
    }
}
