import NIOCore
import Synchronization
import WardenPKI

/// The identity each open connection proved in its handshake, looked up by request handlers.
///
/// The verification callback records the identity the moment the chain is accepted; the entry goes when the
/// connection closes. Handlers therefore never re-parse certificates nor hop to the event loop.
final class PeerIdentityRegistry: Sendable {
    private let identities = Mutex<[ObjectIdentifier: Identity]>([:])

    func record(_ identity: Identity, for channel: any Channel) {
        let key = ObjectIdentifier(channel)
        identities.withLock { $0[key] = identity }
    }

    func identity(for channel: any Channel) -> Identity? {
        let key = ObjectIdentifier(channel)
        return identities.withLock { $0[key] }
    }

    /// Forgets the connection once it closes.
    func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channel.closeFuture.whenComplete { [self] _ in
            _ = identities.withLock { $0.removeValue(forKey: key) }
        }
    }

    var count: Int { identities.withLock { $0.count } }
}
