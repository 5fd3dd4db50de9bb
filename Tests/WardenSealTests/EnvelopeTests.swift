import Foundation
import Testing
import WardenSeal

@Suite("Envelope")
struct EnvelopeTests {
    @Test("Moving bytes between adjacent AAD fields is detected (the encoding is unambiguous)")
    func fieldBoundariesAreBound() throws {
        let kek = KeyRing.generate().primary
        let id = RecordID.generate()
        let sealed = try Envelope.seal(
            Data("x".utf8), recordID: id, metadata: RecordMetadata(owner: "ab", domain: "c", kind: .prompt), kek: kek)
        let shifted = [
            RecordMetadata(owner: "a", domain: "bc", kind: .prompt),
            RecordMetadata(owner: "ab", domain: "c", kind: .prompt, model: ""),
            RecordMetadata(owner: "ab", domain: "c", kind: .completion),
            RecordMetadata(owner: "abc", domain: "", kind: .prompt),
        ]
        for metadata in shifted {
            #expect(throws: SealError.self) { _ = try Envelope.open(sealed, recordID: id, metadata: metadata, kek: kek) }
        }
    }

    @Test("Random records round-trip, and any mutated component fails naming the record (seeded)")
    func randomRoundTripsAndMutations() throws {
        var rng = SplitMix64(seed: 0xC0FFEE)
        let ring = try KeyRing.generate().rotated()
        let kek = ring.primary
        let other = try #require(ring.key(version: 1))
        for round in 0..<300 {
            let length = Int(rng.next() % 2048)
            let plaintext = Data((0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            let metadata = RecordMetadata(
                owner: "spiffe://warden.local/user/\(rng.next() % 1000)\u{0}é", domain: "team-\(rng.next() % 9)",
                kind: RecordKind.all[Int(rng.next() % 3)], model: rng.next() % 2 == 0 ? nil : "m\(rng.next() % 5)")
            let id = RecordID.generate()
            let sealed = try Envelope.seal(plaintext, recordID: id, metadata: metadata, kek: kek)
            #expect(try Envelope.open(sealed, recordID: id, metadata: metadata, kek: kek) == plaintext)
            #expect(sealed.nonce.count == 12 && sealed.wrapNonce.count == 12 && sealed.tag.count == 16)
            #expect(sealed.wrappedKey.count == 48 && sealed.ciphertext.count == plaintext.count)

            var mutated = sealed
            switch round % 6 {
            case 0: if mutated.ciphertext.isEmpty { mutated.tag[mutated.tag.startIndex] ^= 1 } else { flip(&mutated.ciphertext, &rng) }
            case 1: flip(&mutated.tag, &rng)
            case 2: flip(&mutated.nonce, &rng)
            case 3: flip(&mutated.wrappedKey, &rng)
            case 4: flip(&mutated.wrapNonce, &rng)
            default: mutated.nonce = Data(mutated.nonce.prefix(Int(rng.next() % 12)))
            }
            do {
                _ = try Envelope.open(mutated, recordID: id, metadata: metadata, kek: kek)
                Issue.record("round \(round): a mutated envelope opened")
            } catch {
                #expect(error.code == .integrityFailure && error.recordID == id)
            }
            #expect(throws: SealError.self) { _ = try Envelope.open(sealed, recordID: id, metadata: metadata, kek: other) }
        }
    }

    @Test("Rewrap keeps the content and binds the new key version")
    func rewrapMovesOnlyTheKey() throws {
        let ring = try KeyRing.generate().rotated()
        let old = try #require(ring.key(version: 1))
        let id = RecordID.generate()
        let sealed = try Envelope.seal(Data("content".utf8), recordID: id, metadata: aliceMetadata, kek: old)
        let moved = try Envelope.rewrap(sealed, recordID: id, metadata: aliceMetadata, from: old, to: ring.primary)
        #expect(moved.ciphertext == sealed.ciphertext && moved.keyVersion == 2 && moved.wrappedKey != sealed.wrappedKey)
        #expect(try Envelope.open(moved, recordID: id, metadata: aliceMetadata, kek: ring.primary) == Data("content".utf8))
    }

    @Test("Record ids are 32 lowercase hex digits and distinct")
    func recordIDs() throws {
        let ids = (0..<1000).map { _ in RecordID.generate() }
        #expect(Set(ids).count == 1000)
        for id in ids { try RecordID.validate(id) }
    }

    private func flip(_ data: inout Data, _ rng: inout SplitMix64) {
        let index = data.startIndex + Int(rng.next() % UInt64(data.count))
        data[index] ^= UInt8(1 << (rng.next() % 8))
    }
}
