import ArgumentParser
import Foundation
import WardenSeal

/// `warden keys list`: shows versions, the primary, check values and (with `--db`) use counts and live records.
struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List key versions.")

    @OptionGroup var options: SealCommandOptions

    func run() async throws {
        let ring = try options.keyRingSource().load()
        var usage: [UInt32: UInt64] = [:]
        var live: [UInt32: Int] = [:]
        if options.databasePath != nil {
            let store = try await options.openStore(sink: try await makeSealEventSink(for: options))
            usage = try store.keyUsage()
            for key in ring.keys { live[key.version] = try await store.liveRecordCount(keyVersion: key.version) }
        }
        print("VERSION  PRIMARY  CREATED               CHECK             USES (reserved)  LIVE RECORDS")
        for key in ring.keys {
            let created = key.createdAt.formatted(Date.ISO8601FormatStyle())
            let uses = usage[key.version].map(String.init) ?? "-"
            let records = live[key.version].map(String.init) ?? "-"
            let primary = key.version == ring.primaryVersion ? "yes" : ""
            print(
                pad(String(key.version), 9) + pad(primary, 9) + pad(created, 22) + pad(key.checkValue, 18) + pad(uses, 17)
                    + records)
        }
        if !ring.retiredVersions.isEmpty {
            print("retired versions: " + ring.retiredVersions.map(String.init).joined(separator: ", "))
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
