import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Text to bytes for IPv4 and IPv6 addresses, as X.509 stores them in iPAddress SANs.
enum IPAddress {
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
