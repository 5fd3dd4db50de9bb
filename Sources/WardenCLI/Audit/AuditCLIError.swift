import ArgumentParser
import Foundation
import WardenAudit

/// Prints an `AuditError` as one line on standard error and exits with status 2 (unreadable
/// input or unusable setup), keeping status 1 for "verified and found tampering".
struct AuditCLIError: Error, CustomStringConvertible {
    let description: String

    init(_ error: AuditError) { description = error.description }
    init(_ message: String) { description = message }
}

enum AuditCLI {
    /// Runs `body`, turning library errors into a message and exit status 2.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AuditError {
            printError("error: \(error)")
            throw ExitCode(2)
        } catch let error as AuditCLIError {
            printError("error: \(error.description)")
            throw ExitCode(2)
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
