import Logging
import Synchronization
import WardenPKI

/// The current TLS material, swapped atomically on SIGHUP.
///
/// Each new connection reads the current generation once; established connections keep the context they were
/// accepted with, so a reload never drops them.
final class TLSMaterialStore: Sendable {
    private let current: Mutex<TLSMaterial>
    private let configuration: WardenConfiguration.TLS
    private let mapping: IdentityMapping

    init(configuration: WardenConfiguration.TLS, mapping: IdentityMapping) throws {
        self.configuration = configuration
        self.mapping = mapping
        current = Mutex(try TLSMaterial.load(configuration: configuration, mapping: mapping, generation: 1))
    }

    var material: TLSMaterial { current.withLock { $0 } }

    /// Re-reads every file; on any error the old material stays in use and the error is returned.
    @discardableResult
    func reload(logger: Logger) -> Result<Int, ConfigurationError> {
        let next = material.generation + 1
        do {
            let fresh = try TLSMaterial.load(configuration: configuration, mapping: mapping, generation: next)
            current.withLock { $0 = fresh }
            logger.notice("tls material reloaded", metadata: ["generation": "\(next)"])
            return .success(next)
        } catch let error as ConfigurationError {
            logger.error("tls reload refused; keeping the previous certificates", metadata: ["error": "\(error)"])
            return .failure(error)
        } catch {
            let wrapped = ConfigurationError("\(error)")
            logger.error("tls reload refused; keeping the previous certificates", metadata: ["error": "\(wrapped)"])
            return .failure(wrapped)
        }
    }
}
