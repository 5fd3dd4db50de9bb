import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking HTTP/1.1 client for a server on 127.0.0.1 (the llama-server the benchmark starts itself).
///
/// Just enough HTTP for that one peer: one request per connection, `Content-Length` or chunked responses, and the
/// body handed over as it arrives so a streaming response can be timed token by token. Not for untrusted servers.
final class LoopbackHTTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`; `timeout` bounds every later read and write.
    init(port: Int, timeout: Double) throws(LlamaCppPeerError) {
        let fd = try Self.makeTCPSocket()
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw LlamaCppPeerError(.serverFailed, "cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        socket = fd
    }

    deinit { close(socket) }

    /// Sends one request and returns the status code; the body is passed to `onBody` piece by piece as it arrives
    /// (`onBody` returns false to stop reading early).
    func request(method: String, path: String, body: Data?, onBody: (ArraySlice<UInt8>) -> Bool)
        throws(LlamaCppPeerError) -> Int
    {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + (body.map { [UInt8]($0) } ?? []))
        let (status, headers) = try readHead()
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = try readLine()
                let hex = sizeLine.split(separator: ";").first.map(String.init) ?? ""
                guard let size = Int(hex.trimmingCharacters(in: .whitespaces), radix: 16) else {
                    throw LlamaCppPeerError(.serverFailed, "malformed chunk size from llama-server")
                }
                if size == 0 { break }
                let chunk = try readExactly(size)
                _ = try readLine()
                if !onBody(chunk[...]) { break }
            }
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            _ = onBody(try readExactly(length)[...])
        } else {
            while let piece = try readSome() { if !onBody(piece[...]) { break } }
        }
        return status
    }

    /// A request whose whole body is wanted at once.
    func request(method: String, path: String, body: Data?) throws(LlamaCppPeerError) -> (status: Int, body: Data) {
        var data = Data()
        let status = try request(method: method, path: path, body: body) { piece in
            data.append(contentsOf: piece)
            return true
        }
        return (status, data)
    }

    // MARK: Socket I/O

    private func send(_ bytes: [UInt8]) throws(LlamaCppPeerError) {
        var sent = 0
        while sent < bytes.count {
            #if os(Linux)
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            #else
            let n = bytes[sent...].withUnsafeBytes { Darwin.send(socket, $0.baseAddress, $0.count, 0) }
            #endif
            guard n > 0 else { throw LlamaCppPeerError(.serverFailed, "send to llama-server failed: errno \(errno)") }
            sent += n
        }
    }

    /// Reads whatever arrives next into the buffer; nil at the end of the stream.
    private func fill() throws(LlamaCppPeerError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if n < 0 { throw LlamaCppPeerError(.serverFailed, "reading from llama-server failed: errno \(errno)") }
        if n == 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readSome() throws(LlamaCppPeerError) -> [UInt8]? {
        if buffer.isEmpty, try !fill() { return nil }
        defer { buffer.removeAll(keepingCapacity: true) }
        return buffer
    }

    private func readExactly(_ count: Int) throws(LlamaCppPeerError) -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw LlamaCppPeerError(.serverFailed, "llama-server closed the connection early") }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    private func readLine() throws(LlamaCppPeerError) -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard buffer.count < 65536, try fill() else {
                throw LlamaCppPeerError(.serverFailed, "llama-server sent an incomplete or oversized line")
            }
        }
    }

    private func readHead() throws(LlamaCppPeerError) -> (Int, [String: String]) {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw LlamaCppPeerError(.serverFailed, "llama-server sent no HTTP status line")
        }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers)
    }

    // MARK: Addresses

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return address
    }

    /// A new IPv4 TCP socket.
    private static func makeTCPSocket() throws(LlamaCppPeerError) -> Int32 {
        #if os(Linux)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LlamaCppPeerError(.serverFailed, "socket() failed: errno \(errno)") }
        return fd
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it), for the server to listen on.
    static func freePort() throws(LlamaCppPeerError) -> Int {
        let fd = try Self.makeTCPSocket()
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw LlamaCppPeerError(.serverFailed, "cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
