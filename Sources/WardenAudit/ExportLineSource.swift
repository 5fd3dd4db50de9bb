/// Fills `RecordBatch`es from the lines of an export after its header: record lines in Warden's
/// own form are read by `ExportRecordLine` straight into the batch; any other line (a checkpoint,
/// or a record the strict parser must read) ends the batch as its `otherLine`, to be handled in
/// order by the verifying thread. Used by one thread at a time (the pipeline's producer).
final class ExportLineSource {
    private let reader: LineReader
    private let fastLines: Bool
    private var line = ExportRecordLine()

    init(reader: LineReader, fastLines: Bool) {
        self.reader = reader
        self.fastLines = fastLines
    }

    func fill(_ batch: RecordBatch) {
        batch.firstLineNumber = reader.lineNumber + 1
        while !batch.isFull {
            let next: UnsafeRawBufferPointer?
            do {
                next = try reader.nextBorrowed()
            } catch {
                batch.end = .failure(error)
                return
            }
            guard let text = next, !(text.isEmpty && reader.lastLineUnterminated) else {
                batch.end = .done
                return
            }
            guard fastLines, line.parse(text) else {
                batch.otherLine = RecordBatch.OtherLine(bytes: Array(text), number: reader.lineNumber)
                return
            }
            append(line, from: text, to: batch)
        }
    }

    private func append(_ line: ExportRecordLine, from text: UnsafeRawBufferPointer, to batch: RecordBatch) {
        line.fields.withUnsafeBytes { fields in
            line.prevHash.withUnsafeBytes { prevHash in
                line.hash.withUnsafeBytes { hash in
                    batch.append(
                        seq: line.seq, timestamp: line.timestamp, type: UnsafeRawBufferPointer(rebasing: text[line.type]),
                        actor: UnsafeRawBufferPointer(rebasing: text[line.actor]), fields: fields, prevHash: prevHash, hash: hash
                    )
                }
            }
        }
    }
}
