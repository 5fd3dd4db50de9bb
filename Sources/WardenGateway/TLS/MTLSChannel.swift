import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import WardenPKI

/// The child channel of Warden's listener: mutual TLS in front of HTTP/1.1.
///
/// Unlike HummingbirdTLS's fixed context, each new connection takes the current ``TLSMaterial`` generation, so
/// SIGHUP can swap certificates, CA bundle and CRL without touching established connections. The client chain is
/// checked by ``ClientCertificateValidator``; the identity it yields is recorded for the request handlers.
struct MTLSChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    typealias Value = BaseChannel.Value

    let base: BaseChannel
    let materials: TLSMaterialStore
    let identities: PeerIdentityRegistry
    let metrics: GatewayMetrics
    let handshakeTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let material = materials.material
        let identities = identities
        let metrics = metrics
        identities.track(channel)
        return channel.eventLoop.makeCompletedFuture {
            let tlsHandler = NIOSSLServerHandler(
                context: material.context,
                customVerificationCallback: { certificates, promise in
                    promise.completeWithTask {
                        let chain = try certificates.map { try $0.toDERBytes() }
                        switch await material.validator.validate(chainDER: chain) {
                        case .accepted(let identity):
                            identities.record(identity, for: channel)
                            return .certificateVerified
                        case .rejected(let rejection, let detail):
                            metrics.handshakeFailed(HandshakeFailureReason(rejection))
                            logger.info(
                                "client certificate refused",
                                metadata: ["reason": "\(rejection.rawValue)", "detail": "\(detail)"])
                            return .failed
                        }
                    }
                },
                configuration: .init())
            try channel.pipeline.syncOperations.addHandler(tlsHandler)
            try channel.pipeline.syncOperations.addHandler(
                HandshakeObserver(metrics: metrics, timeout: handshakeTimeout, logger: logger))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension MTLSChannel: HTTPChannelHandler where BaseChannel: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}

extension ServerChildChannel {
    /// Wraps an existential child channel, opening it so the generic wrapper can be built.
    func withMutualTLS(
        materials: TLSMaterialStore, identities: PeerIdentityRegistry, metrics: GatewayMetrics,
        handshakeTimeout: TimeAmount
    ) -> any ServerChildChannel {
        MTLSChannel(
            base: self, materials: materials, identities: identities, metrics: metrics,
            handshakeTimeout: handshakeTimeout)
    }
}
