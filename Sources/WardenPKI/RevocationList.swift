import Crypto
import Foundation
import SwiftASN1
import X509

/// An X.509 v2 certificate revocation list (RFC 5280 §5): which serial numbers a CA has withdrawn.
///
/// swift-certificates has no CRL type, so this one encodes and parses the DER itself. Parsing is strict and
/// validation fails closed: a list whose signature does not verify against the CA, or whose issuer is not the CA,
/// is refused rather than ignored.
public struct RevocationList: Sendable {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        public var serialNumber: Certificate.SerialNumber
        public var revocationDate: Date

        public init(serialNumber: Certificate.SerialNumber, revocationDate: Date) {
            self.serialNumber = serialNumber
            self.revocationDate = revocationDate
        }
    }

    public let issuer: DistinguishedName
    public let thisUpdate: Date
    public let nextUpdate: Date?
    public let entries: [Entry]
    /// The whole list as DER.
    public let derBytes: [UInt8]
    private let signedBytes: ArraySlice<UInt8>
    private let signatureAlgorithm: Certificate.SignatureAlgorithm?
    private let signatureBytes: [UInt8]
    private let revokedSerials: Set<ArraySlice<UInt8>>

    /// Whether `certificate`'s serial number is on the list.
    public func isRevoked(_ certificate: Certificate) -> Bool {
        revokedSerials.contains(certificate.serialNumber.bytes)
    }

    /// Whether the list was signed by `authority` and names it as issuer.
    public func isSigned(by authority: Certificate) -> Bool {
        guard let signatureAlgorithm, issuer == authority.subject else { return false }
        return authority.publicKey.isValidSignature(signatureBytes, for: signedBytes, signatureAlgorithm: signatureAlgorithm)
    }

    /// The list as a PEM "X509 CRL" block.
    public var pemString: String {
        PEMDocument(type: "X509 CRL", derBytes: derBytes).pemString + "\n"
    }

    /// Parses a PEM file holding one "X509 CRL" block.
    public static func load(path: String) throws(PKIError) -> RevocationList {
        let text = try SecureFile.read(path)
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: text)
        } catch {
            throw PKIError(.malformedDocument, "\(path): not a PEM revocation list (\(error))")
        }
        guard document.discriminator == "X509 CRL" else {
            throw PKIError(.malformedDocument, "\(path): expected an X509 CRL block, found \(document.discriminator)")
        }
        return try RevocationList(derEncoded: document.derBytes, source: path)
    }

    /// Parses DER; `source` names the document in errors.
    public init(derEncoded bytes: [UInt8], source: String = "revocation list") throws(PKIError) {
        do {
            let root = try DER.parse(bytes)
            var parsed: (tbs: ASN1Node, algorithm: ASN1ObjectIdentifier, signature: ASN1BitString)?
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let tbs = nodes.next(), let algorithmNode = nodes.next(), let signatureNode = nodes.next() else {
                    throw PKIError(.malformedDocument, "\(source): CertificateList needs three elements")
                }
                let algorithm = try Self.algorithmOID(algorithmNode)
                parsed = (tbs, algorithm, try ASN1BitString(derEncoded: signatureNode))
            }
            guard let parsed else { throw PKIError(.malformedDocument, "\(source): empty CertificateList") }
            let body = try TBSBody(parsed.tbs, source: source)
            self.issuer = body.issuer
            self.thisUpdate = body.thisUpdate
            self.nextUpdate = body.nextUpdate
            self.entries = body.entries
            self.derBytes = bytes
            self.signedBytes = parsed.tbs.encodedBytes
            self.signatureAlgorithm = Self.signatureAlgorithms[parsed.algorithm]
            self.signatureBytes = Array(parsed.signature.bytes)
            self.revokedSerials = Set(body.entries.map { $0.serialNumber.bytes })
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(.malformedDocument, "\(source): malformed revocation list (\(error))")
        }
    }

    /// Builds and signs a list with ECDSA P-256 / SHA-256.
    static func sign(
        issuer: DistinguishedName, revoked: [Entry], thisUpdate: Date, nextUpdate: Date,
        key: P256.Signing.PrivateKey
    ) throws(PKIError) -> RevocationList {
        do {
            var tbs = DER.Serializer()
            try tbs.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(1)  // v2
                try Self.serializeAlgorithm(ecdsaWithSHA256, into: &coder)
                try coder.serialize(issuer)
                try Self.serializeTime(thisUpdate, into: &coder)
                try Self.serializeTime(nextUpdate, into: &coder)
                if !revoked.isEmpty {
                    try coder.appendConstructedNode(identifier: .sequence) { list in
                        for entry in revoked {
                            try list.appendConstructedNode(identifier: .sequence) { item in
                                try item.serialize(entry.serialNumber.bytes)
                                try Self.serializeTime(entry.revocationDate, into: &item)
                            }
                        }
                    }
                }
            }
            let tbsBytes = tbs.serializedBytes
            let signature = try key.signature(for: tbsBytes).derRepresentation
            var whole = DER.Serializer()
            try whole.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes(tbsBytes)
                try Self.serializeAlgorithm(ecdsaWithSHA256, into: &coder)
                try coder.serialize(ASN1BitString(bytes: ArraySlice(signature)))
            }
            return try RevocationList(derEncoded: whole.serializedBytes)
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(.invalidRequest, "cannot sign revocation list: \(error)")
        }
    }
}

// MARK: - DER details

extension RevocationList {
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]

    /// The signature algorithms a CA may sign a CRL with, by OID.
    static let signatureAlgorithms: [ASN1ObjectIdentifier: Certificate.SignatureAlgorithm] = [
        [1, 2, 840, 10045, 4, 3, 2]: .ecdsaWithSHA256,
        [1, 2, 840, 10045, 4, 3, 3]: .ecdsaWithSHA384,
        [1, 2, 840, 10045, 4, 3, 4]: .ecdsaWithSHA512,
        [1, 2, 840, 113549, 1, 1, 11]: .sha256WithRSAEncryption,
        [1, 2, 840, 113549, 1, 1, 12]: .sha384WithRSAEncryption,
        [1, 2, 840, 113549, 1, 1, 13]: .sha512WithRSAEncryption,
        [1, 3, 101, 112]: .ed25519,
    ]

    /// The fields of TBSCertList that Warden uses.
    struct TBSBody {
        var issuer: DistinguishedName
        var thisUpdate: Date
        var nextUpdate: Date?
        var entries: [Entry] = []

        init(_ node: ASN1Node, source: String) throws {
            var issuer: DistinguishedName?
            var thisUpdate: Date?
            var nextUpdate: Date?
            var entries: [Entry] = []
            try DER.sequence(node, identifier: .sequence) { nodes in
                var next = nodes.next()
                if let version = next, version.identifier == .integer {
                    let value = try Int(derEncoded: version)
                    guard value == 1 else { throw PKIError(.malformedDocument, "\(source): unsupported CRL version") }
                    next = nodes.next()
                }
                guard let algorithm = next else { throw PKIError(.malformedDocument, "\(source): truncated") }
                _ = try RevocationList.algorithmOID(algorithm)
                guard let issuerNode = nodes.next(), let thisUpdateNode = nodes.next() else {
                    throw PKIError(.malformedDocument, "\(source): truncated")
                }
                issuer = try DistinguishedName(derEncoded: issuerNode)
                thisUpdate = try RevocationList.parseTime(thisUpdateNode)
                next = nodes.next()
                if let node = next, node.identifier == .utcTime || node.identifier == .generalizedTime {
                    nextUpdate = try RevocationList.parseTime(node)
                    next = nodes.next()
                }
                if let list = next, list.identifier == .sequence {
                    entries = try DER.sequence(list, identifier: .sequence) { items in
                        var parsed: [Entry] = []
                        while let item = items.next() {
                            parsed.append(try RevocationList.parseEntry(item, source: source))
                        }
                        return parsed
                    }
                    next = nodes.next()
                }
                // crlExtensions [0] (CRL number, authority key id) are informational here.
                while nodes.next() != nil {}
            }
            guard let issuer, let thisUpdate else { throw PKIError(.malformedDocument, "\(source): truncated") }
            self.issuer = issuer
            self.thisUpdate = thisUpdate
            self.nextUpdate = nextUpdate
            self.entries = entries
        }
    }

    static func parseEntry(_ item: ASN1Node, source: String) throws -> Entry {
        try DER.sequence(item, identifier: .sequence) { fields in
            guard let serial = fields.next(), let date = fields.next() else {
                throw PKIError(.malformedDocument, "\(source): truncated revoked entry")
            }
            let bytes = try ArraySlice<UInt8>(derEncoded: serial)
            _ = fields.next()  // entry extensions: reason codes are informational here
            return Entry(serialNumber: Certificate.SerialNumber(bytes: bytes), revocationDate: try parseTime(date))
        }
    }

    static func algorithmOID(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        try DER.sequence(node, identifier: .sequence) { nodes in
            guard let oidNode = nodes.next() else { throw PKIError(.malformedDocument, "empty AlgorithmIdentifier") }
            let oid = try ASN1ObjectIdentifier(derEncoded: oidNode)
            while nodes.next() != nil {}
            return oid
        }
    }

    static func serializeAlgorithm(_ oid: ASN1ObjectIdentifier, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(oid) }
    }

    /// RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050.
    static func serializeTime(_ date: Date, into coder: inout DER.Serializer) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        if c.year! < 2050 {
            try coder.serialize(
                UTCTime(year: c.year!, month: c.month!, day: c.day!, hours: c.hour!, minutes: c.minute!, seconds: c.second!))
        } else {
            try coder.serialize(
                GeneralizedTime(
                    year: c.year!, month: c.month!, day: c.day!, hours: c.hour!, minutes: c.minute!, seconds: c.second!,
                    fractionalSeconds: 0))
        }
    }

    static func parseTime(_ node: ASN1Node) throws -> Date {
        let parts: (Int, Int, Int, Int, Int, Int)
        switch node.identifier {
        case .utcTime:
            let t = try UTCTime(derEncoded: node)
            parts = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
        case .generalizedTime:
            let t = try GeneralizedTime(derEncoded: node)
            parts = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
        default:
            throw PKIError(.malformedDocument, "expected a time")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(
            year: parts.0, month: parts.1, day: parts.2, hour: parts.3, minute: parts.4, second: parts.5)
        guard let date = calendar.date(from: components) else { throw PKIError(.malformedDocument, "invalid time") }
        return date
    }
}
