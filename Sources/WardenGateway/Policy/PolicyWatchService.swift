import ServiceLifecycle

/// Reloads the policy when its files change (compared by content hash every `policy.watch_interval_seconds`),
/// so an admin's edit takes effect without a signal. An edit caught half-written is simply refused (and
/// audited as `policy.rejected`); the next poll picks up the finished file.
struct PolicyWatchService: Service {
    let gateway: WardenGateway

    func run() async throws {
        let interval = gateway.configuration.policy.watchIntervalSeconds
        guard interval > 0 else { return }
        var last = PolicyService.hashes(of: gateway.configuration.policy)
        while !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: .seconds(interval))
            } catch {
                return
            }
            let current = PolicyService.hashes(of: gateway.configuration.policy)
            if current != last {
                last = current
                await gateway.reloadPolicy()
            }
        }
    }
}
