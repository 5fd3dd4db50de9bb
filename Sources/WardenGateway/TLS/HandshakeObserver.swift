import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Sits behind the TLS handler: counts handshake failures by reason and closes connections whose handshake takes
/// longer than the deadline (a client that opens a socket and says nothing must not hold it forever).
final class HandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let metrics: GatewayMetrics
    private let timeout: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    private var completed = false

    init(metrics: GatewayMetrics, timeout: TimeAmount, logger: Logger) {
        self.metrics = metrics
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let metrics = metrics
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            metrics.handshakeFailed(.timeout)
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            completed = true
            deadline?.cancel()
            deadline = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !completed {
            completed = true
            deadline?.cancel()
            if let reason = HandshakeFailureReason(handshakeError: String(describing: error)) {
                metrics.handshakeFailed(reason)
                logger.info("tls handshake refused", metadata: ["reason": "\(reason.rawValue)"])
            }
        }
        context.fireErrorCaught(error)
    }
}
