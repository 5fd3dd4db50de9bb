import X509

/// The subject and SAN fields of a certificate that identity mapping reads.
struct CertificateFields {
    struct SPIFFEID {
        var uri: String
        var trustDomain: String
        var team: String?
        var user: String?
    }

    var commonNames: [String] = []
    var organizationalUnits: [String] = []
    var organizations: [String] = []
    var uris: [String] = []
    var spiffe: SPIFFEID?

    init(_ certificate: Certificate) throws(PKIError) {
        for rdn in certificate.subject {
            for attribute in rdn {
                let value = String(describing: attribute.value)
                switch attribute.type {
                case .RDNAttributeType.commonName: commonNames.append(value)
                case .RDNAttributeType.organizationalUnitName: organizationalUnits.append(value)
                case .RDNAttributeType.organizationName: organizations.append(value)
                default: break
                }
            }
        }
        let alternativeNames: SubjectAlternativeNames?
        do {
            alternativeNames = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw PKIError(.malformedDocument, "malformed subjectAltName extension")
        }
        for name in alternativeNames ?? SubjectAlternativeNames([]) {
            if case .uniformResourceIdentifier(let uri) = name { uris.append(uri) }
        }
        let spiffeURIs = uris.filter { $0.lowercased().hasPrefix("spiffe://") }
        // A SPIFFE certificate carries exactly one SPIFFE ID (X509-SVID §2); two would make identity ambiguous.
        guard spiffeURIs.count <= 1 else {
            throw PKIError(.invalidRequest, "certificate carries \(spiffeURIs.count) SPIFFE IDs; exactly one is allowed")
        }
        if let uri = spiffeURIs.first {
            spiffe = try Self.parseSPIFFE(uri)
        }
    }

    func values(for source: IdentityMapping.Source) -> [String] {
        switch source {
        case .spiffeUser: spiffe?.user.map { [$0] } ?? []
        case .spiffeTeam: spiffe?.team.map { [$0] } ?? []
        case .commonName: commonNames
        case .organizationalUnit: organizationalUnits
        case .organization: organizations
        case .uriPrefix(let prefix): uris.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
    }

    /// Parses `spiffe://<trust-domain>/team/<team>/user/<name>`; other paths give a SPIFFE ID without team or user.
    static func parseSPIFFE(_ uri: String) throws(PKIError) -> SPIFFEID {
        let rest = uri.dropFirst("spiffe://".count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let domain = parts.first, !domain.isEmpty, !uri.contains("?"), !uri.contains("#") else {
            throw PKIError(.invalidRequest, "malformed SPIFFE ID")
        }
        var id = SPIFFEID(uri: uri, trustDomain: domain.lowercased())
        if parts.count == 5, parts[1] == "team", parts[3] == "user", !parts[2].isEmpty, !parts[4].isEmpty {
            id.team = parts[2]
            id.user = parts[4]
        }
        return id
    }
}
