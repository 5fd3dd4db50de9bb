/// The JSON form of proofs (AUDIT-FORMAT.md §7), and checking one with only the public key.
public enum AuditProofDocument {
    /// The outcome of checking a proof document.
    public struct Check: Sendable, Hashable {
        public let isValid: Bool
        public let summary: String
    }

    public static func json(_ p: AuditInclusionProof) -> String {
        "{\"kind\":\"inclusion-proof\",\"record\":\(JSONLine.record(p.record)),\"checkpoint\":\(JSONLine.checkpoint(p.checkpoint)),"
            + "\"leaf_index\":\(p.record.seq - 1),\"path\":[\(p.path.map { "\"\(Hex.encode($0))\"" }.joined(separator: ","))]}"
    }

    public static func json(_ p: AuditConsistencyProof) -> String {
        "{\"kind\":\"consistency-proof\",\"old\":\(JSONLine.checkpoint(p.old)),\"new\":\(JSONLine.checkpoint(p.new)),"
            + "\"path\":[\(p.path.map { "\"\(Hex.encode($0))\"" }.joined(separator: ","))]}"
    }

    public static func check(path: String, publicKey: AuditPublicKey) throws(AuditError) -> Check {
        guard let bytes = try FileIO.readFile(path: path, limit: JSONLine.maxLineBytes, code: .malformedInput) else {
            throw AuditError(.notFound, "proof file not found: \(path)")
        }
        return try check(bytes, publicKey: publicKey)
    }

    /// Checks signatures, the record's own hash, and the Merkle path. Malformed input throws.
    public static func check(_ bytes: [UInt8], publicKey: AuditPublicKey) throws(AuditError) -> Check {
        let o = try JSONLine.object(bytes)
        func sub(_ key: String) throws(AuditError) -> JSONLine.Object {
            guard case .object(let v)? = o[key] else { throw AuditError(.malformedInput, "missing \"\(key)\" object") }
            return v
        }
        let path = try JSONLine.hexList(o, "path")
        switch try JSONLine.string(o, "kind") {
        case "inclusion-proof":
            let record = try JSONLine.parseRecord(try sub("record"))
            let checkpoint = try JSONLine.parseCheckpoint(try sub("checkpoint"))
            guard publicKey.isValidSignature(of: checkpoint) else {
                return Check(isValid: false, summary: "INVALID: the checkpoint's signature does not verify with this public key")
            }
            var scratch = [UInt8]()
            let computed = CanonicalEncoding.recordHash(
                logID: checkpoint.logID, seq: record.seq, timestamp: record.timestamp, type: record.event.type.rawValue,
                actor: record.event.actor, fieldsBlob: CanonicalEncoding.encodeFields(record.event.fields),
                prevHash: record.prevHash, scratch: &scratch
            )
            guard computed == record.hash else {
                return Check(isValid: false, summary: "INVALID: record \(record.seq) does not match its hash")
            }
            guard record.seq >= 1, MerkleTree.verifyInclusion(
                leafHash: MerkleTree.leafHash(record.hash), index: record.seq - 1, size: checkpoint.treeSize, path: path, root: checkpoint.rootHash
            ) else {
                return Check(isValid: false, summary: "INVALID: the path does not lead from record \(record.seq) to the checkpoint's root")
            }
            return Check(isValid: true, summary: "OK: record \(record.seq) is included in signed checkpoint of tree size \(checkpoint.treeSize) of log \(checkpoint.logID), root \(checkpoint.rootHashHex)")
        case "consistency-proof":
            let old = try JSONLine.parseCheckpoint(try sub("old"))
            let new = try JSONLine.parseCheckpoint(try sub("new"))
            guard publicKey.isValidSignature(of: old), publicKey.isValidSignature(of: new) else {
                return Check(isValid: false, summary: "INVALID: a checkpoint's signature does not verify with this public key")
            }
            guard old.logID == new.logID else { return Check(isValid: false, summary: "INVALID: the checkpoints belong to different logs") }
            guard MerkleTree.verifyConsistency(oldSize: old.treeSize, oldRoot: old.rootHash, newSize: new.treeSize, newRoot: new.rootHash, proof: path) else {
                return Check(isValid: false, summary: "INVALID: tree size \(old.treeSize) is not a prefix of tree size \(new.treeSize) under this proof")
            }
            return Check(isValid: true, summary: "OK: signed tree size \(old.treeSize) (root \(old.rootHashHex)) is a prefix of signed tree size \(new.treeSize) (root \(new.rootHashHex)) of log \(new.logID)")
        default:
            throw AuditError(.malformedInput, "unknown proof kind")
        }
    }
}
