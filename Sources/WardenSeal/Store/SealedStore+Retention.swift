import Foundation

extension SealedStore {
    /// One retention pass: shreds every record older than its domain's maximum age, then finishes any interrupted
    /// shred. The gateway may schedule this itself, or run ``runRetention(every:actor:onPass:)``.
    @discardableResult
    public func shredExpired(now: Date = Date(), actor: String = "warden-seal:retention") async throws -> ShredReport {
        var report = try await completeInterruptedShreds()
        for selector in configuration.retention.selectors(now: now) {
            report.merge(try await shred(selector, actor: actor))
        }
        return report
    }

    /// Runs ``shredExpired(now:actor:)`` and a key ring reload check every `interval` until the task is cancelled.
    /// Each pass's result goes to `onPass` (the gateway logs counts and error codes; a failing pass is retried on the
    /// next tick, and records stay sealed meanwhile, never half-destroyed).
    public func runRetention(
        every interval: Duration, actor: String = "warden-seal:retention",
        onPass: @Sendable (Result<ShredReport, any Error>) -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            _ = try? reloadKeyRingIfChanged()
            do {
                onPass(.success(try await shredExpired(now: Date(), actor: actor)))
            } catch {
                onPass(.failure(error))
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
