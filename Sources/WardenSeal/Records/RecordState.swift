import Foundation

/// What the store knows about a record without decrypting it.
public enum RecordState: Sendable, Hashable {
    /// Readable; its data key is wrapped with this KEK version.
    case sealed(keyVersion: UInt32)
    /// Its shred event was recorded and its keys are being destroyed; it can no longer be read.
    case shredding
    /// Its data key was destroyed at this time; the content is unrecoverable.
    case shredded(at: Date)
}
