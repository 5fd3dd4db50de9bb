import SwiftASN1
import X509

/// PEM encoding and decoding for the PKI's documents.
public enum PEM {
    /// Encodes a certificate as a PEM "CERTIFICATE" block.
    public static func encode(_ certificate: Certificate) throws(PKIError) -> String {
        do {
            return try certificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw PKIError(.malformedDocument, "cannot encode certificate: \(error)")
        }
    }

    /// Parses every "CERTIFICATE" block of a bundle; `source` names the file in errors.
    public static func certificates(fromPEM text: String, source: String) throws(PKIError) -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw PKIError(.malformedDocument, "\(source): not a PEM certificate bundle (\(error))")
        }
        var result: [Certificate] = []
        for document in documents where document.discriminator == "CERTIFICATE" {
            do {
                result.append(try Certificate(derEncoded: document.derBytes))
            } catch {
                throw PKIError(.malformedDocument, "\(source): certificate \(result.count + 1) is malformed (\(error))")
            }
        }
        guard !result.isEmpty else {
            throw PKIError(.malformedDocument, "\(source): contains no certificate")
        }
        return result
    }

    /// Reads a certificate bundle file.
    public static func certificates(atPath path: String) throws(PKIError) -> [Certificate] {
        try certificates(fromPEM: try SecureFile.read(path), source: path)
    }
}
