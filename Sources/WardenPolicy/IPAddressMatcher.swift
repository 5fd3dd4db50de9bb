import Foundation

/// `ipMatch(ip, pattern)` as Go Casbin implements it with `net.ParseIP`/`net.ParseCIDR`: the pattern is a
/// CIDR block or a single address; IPv4 and IPv4-mapped IPv6 addresses are the same address (Go's rule;
/// pycasbin's `ipaddress` keeps the families apart). An invalid address is an evaluation error.
enum IPAddressMatcher {
    /// 16 bytes, IPv4 stored as IPv4-mapped IPv6; `isIPv4` remembers the written family.
    struct Address: Equatable, Sendable {
        var bytes: [UInt8]
        var isIPv4: Bool
    }

    /// A parsed `ipMatch` pattern: a CIDR block, a single address, or the reason it is neither.
    enum Network: Sendable {
        case block(Address, bits: Int)
        case single(Address)
        case invalid

        init(_ pattern: String) {
            if let slash = pattern.firstIndex(of: "/") {
                let base = String(pattern[..<slash])
                let bitsText = pattern[pattern.index(after: slash)...]
                if let network = IPAddressMatcher.parse(base), let bits = Int(bitsText), bitsText.allSatisfy(\.isASCII),
                    bitsText.first != "+", bitsText.first != "-", bits >= 0, bits <= (network.isIPv4 ? 32 : 128)
                {
                    self = .block(network, bits: bits)
                } else {
                    self = .invalid
                }
            } else if let address = IPAddressMatcher.parse(pattern) {
                self = .single(address)
            } else {
                self = .invalid
            }
        }
    }

    static func ipMatch(_ address: String, _ pattern: String) throws(EvaluationError) -> Bool {
        guard let ip = parse(address) else {
            throw EvaluationError("invalid argument: ip1 in ipMatch() function is not an IP address")
        }
        switch PatternCache.shared.network(pattern) {
        case .block(let network, let bits): return contains(network: network, bits: bits, ip)
        case .single(let other): return other.bytes == ip.bytes
        case .invalid: throw EvaluationError("invalid argument: ip2 in ipMatch() function is neither an IP address nor a CIDR")
        }
    }

    /// Go's `IPNet.Contains`: a network written in v4 form (or v4-mapped) holds only addresses that have a v4
    /// form, compared on their 4 bytes; a v6 network holds only addresses without one.
    private static func contains(network: Address, bits: Int, _ ip: Address) -> Bool {
        let networkIsV4 = network.isIPv4 || isMapped(network.bytes)
        let ipIsV4 = isMapped(ip.bytes)
        guard networkIsV4 == ipIsV4 else { return false }
        var networkBytes = network.bytes
        var ipBytes = ip.bytes
        var prefix = bits
        if networkIsV4 {
            if !network.isIPv4 { prefix = max(0, bits - 96) }
            networkBytes = Array(networkBytes[12...])
            ipBytes = Array(ipBytes[12...])
        }
        var index = 0
        while prefix > 0 {
            let mask: UInt8 = prefix >= 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - prefix))
            if networkBytes[index] & mask != ipBytes[index] & mask { return false }
            prefix -= 8
            index += 1
        }
        return true
    }

    private static func isMapped(_ bytes: [UInt8]) -> Bool {
        bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }

    static func parse(_ text: String) -> Address? {
        if text.contains(":") { return parseIPv6(text) }
        guard let v4 = parseIPv4(Substring(text)) else { return nil }
        return Address(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4, isIPv4: true)
    }

    /// Dotted decimal with exactly four parts, each 0–255 without leading zeros (Go 1.17+ rejects them).
    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            if part.count > 1, part.first == "0" { return nil }
            guard let value = Int(part), value <= 255 else { return nil }
            result.append(UInt8(value))
        }
        return result
    }

    private static func parseIPv6(_ text: String) -> Address? {
        guard text.utf8.count <= 64 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        var body = Substring(text)
        var trailingV4: [UInt8]? = nil
        if let lastColon = body.lastIndex(of: ":"), body[body.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(body[body.index(after: lastColon)...]) else { return nil }
            trailingV4 = v4
            body = body[...lastColon]
            if body.hasSuffix("::") {
                // keep "::" intact
            } else {
                body = body.dropLast()
            }
        }
        if body.hasPrefix("::") {
            sawGap = true
            body = body.dropFirst(2)
        }
        var pieces: [Substring] = []
        if sawGap {
            pieces = body.isEmpty ? [] : body.split(separator: ":", omittingEmptySubsequences: false)
        } else if let gap = body.range(of: "::") {
            sawGap = true
            let left = body[..<gap.lowerBound]
            let right = body[gap.upperBound...]
            for piece in left.split(separator: ":", omittingEmptySubsequences: false) {
                guard let value = hextet(piece) else { return nil }
                head.append(value)
            }
            pieces = right.isEmpty ? [] : right.split(separator: ":", omittingEmptySubsequences: false)
        } else {
            pieces = body.isEmpty ? [] : body.split(separator: ":", omittingEmptySubsequences: false)
        }
        for piece in pieces {
            guard let value = hextet(piece) else { return nil }
            if sawGap { tail.append(value) } else { head.append(value) }
        }
        if let v4 = trailingV4 {
            let hi = UInt16(v4[0]) << 8 | UInt16(v4[1])
            let lo = UInt16(v4[2]) << 8 | UInt16(v4[3])
            if sawGap { tail += [hi, lo] } else { head += [hi, lo] }
        }
        let total = head.count + tail.count
        if sawGap {
            guard total < 8 else { return nil }
        } else {
            guard total == 8 else { return nil }
        }
        let words = head + Array(repeating: 0, count: 8 - total) + tail
        var bytes: [UInt8] = []
        for word in words { bytes.append(UInt8(word >> 8)); bytes.append(UInt8(word & 0xFF)) }
        return Address(bytes: bytes, isIPv4: false)
    }

    private static func hextet(_ piece: Substring) -> UInt16? {
        guard !piece.isEmpty, piece.count <= 4 else { return nil }
        return UInt16(piece, radix: 16)
    }
}
