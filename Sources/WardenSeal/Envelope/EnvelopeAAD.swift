import Foundation

/// Builds the additional authenticated data that ties an envelope to its row.
///
/// Layout (all integers big-endian, every string prefixed by its UTF-8 length as a UInt32 so no two field lists encode
/// alike):
///
///     content AAD = "warden-seal/v1/content" | len+recordID | len+owner | len+domain | len+kind | hasModel(u8) | len+model
///     wrap AAD    = "warden-seal/v1/wrap" | keyVersion(u32) | content AAD
///
/// The key version is bound only into the wrap AAD: rewrapping a record moves its data key to another key version
/// without touching the content ciphertext, yet a row whose version column was changed still fails to unwrap.
enum EnvelopeAAD {
    private static let contentLabel = Array("warden-seal/v1/content".utf8)
    private static let wrapLabel = Array("warden-seal/v1/wrap".utf8)

    static func content(recordID: String, metadata: RecordMetadata) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(
            contentLabel.count + 21 + recordID.utf8.count + metadata.owner.utf8.count + metadata.domain.utf8.count
                + metadata.kind.rawValue.utf8.count + (metadata.model?.utf8.count ?? 0)
        )
        bytes += contentLabel
        appendField(recordID, to: &bytes)
        appendField(metadata.owner, to: &bytes)
        appendField(metadata.domain, to: &bytes)
        appendField(metadata.kind.rawValue, to: &bytes)
        if let model = metadata.model {
            bytes.append(1)
            appendField(model, to: &bytes)
        } else {
            bytes.append(0)
            appendUInt32(0, to: &bytes)
        }
        return bytes
    }

    static func wrap(keyVersion: UInt32, content: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(wrapLabel.count + 4 + content.count)
        bytes += wrapLabel
        appendUInt32(keyVersion, to: &bytes)
        bytes += content
        return bytes
    }

    private static func appendField(_ value: String, to bytes: inout [UInt8]) {
        appendUInt32(UInt32(value.utf8.count), to: &bytes)
        bytes += value.utf8
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }
}
