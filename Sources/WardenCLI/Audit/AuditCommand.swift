import ArgumentParser

/// `warden audit`: the auditor's and admin's tools for the tamper-evident audit log. None of them
/// needs a running server; `verify`, `prove` and `consistency` need only the public key.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify, prove, export and inspect the tamper-evident audit log.",
        subcommands: [
            AuditKeygenCommand.self, AuditVerifyCommand.self, AuditProveCommand.self, AuditConsistencyCommand.self,
            AuditExportCommand.self, AuditArchiveCommand.self, AuditTailCommand.self, AuditQueryCommand.self, AuditBenchCommand.self,
        ]
    )
}
