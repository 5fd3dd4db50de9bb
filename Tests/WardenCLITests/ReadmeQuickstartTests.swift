import Foundation
import Testing
import WardenTesting

/// The README's quickstart, run as written: `warden init`, `warden certs issue`, `warden serve`, and its curl line.
@Suite(.serialized) struct ReadmeQuickstartTests {
    /// The curl command between the README's `<!-- readme-curl -->` markers.
    static func readmeCurlCommand() throws -> String {
        let readme = try String(contentsOfFile: WardenProcess.repositoryRoot + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "<!-- readme-curl -->"),
            let end = readme.range(of: "<!-- /readme-curl -->", range: start.upperBound..<readme.endIndex)
        else { throw TestFailure("README.md has no <!-- readme-curl --> block") }
        let block = readme[start.upperBound..<end.lowerBound]
        guard let line = block.split(separator: "\n").first(where: { $0.hasPrefix("curl ") }) else {
            throw TestFailure("the readme-curl block has no line starting with curl")
        }
        return String(line)
    }

    /// Runs init and issue in `directory/dev` with the repository's policies (or `policies`), and starts the server
    /// on a free port.
    static func startDevelopmentServer(
        in directory: TemporaryDirectory, policies: String = WardenProcess.repositoryRoot + "/Policies"
    ) async throws -> (Process, Int, String) {
        var lastLog = ""
        for _ in 0..<5 {
            let port = WardenProcess.freePort()
            let setup = try WardenProcess.run(
                ["init", "--dir", "dev", "--port", String(port), "--policies", policies, "--force"], in: directory.path)
            guard setup.status == 0 else { throw TestFailure("warden init failed: \(setup.stderr)") }
            let issue = try WardenProcess.run(
                ["certs", "issue", "--dir", "dev", "--name", "alice", "--team", "research"], in: directory.path)
            guard issue.status == 0 else { throw TestFailure("warden certs issue failed: \(issue.stderr)") }
            let logPath = directory.file("serve.log")
            let server = try WardenProcess.serve(config: directory.file("dev/warden.yaml"), logPath: logPath)
            for _ in 0..<300 {
                try await Task.sleep(for: .milliseconds(50))
                lastLog = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                if !server.isRunning { break }
                if try isListening(port: port) { return (server, port, logPath) }
            }
            if server.isRunning { server.terminate() }
        }
        throw TestFailure("warden serve did not start: \(lastLog)")
    }

    /// curl presenting alice's certificate from the development setup in `directory/dev`.
    static func aliceCurl(in directory: TemporaryDirectory) -> Curl {
        Curl(
            caPath: directory.file("dev/ca.crt"), certificatePath: directory.file("dev/clients/alice.crt"),
            keyPath: directory.file("dev/clients/alice.key"))
    }

    /// `warden audit verify` on the development setup's log, with its public key and witness, as an auditor runs it.
    static func verifyAuditLog(in directory: TemporaryDirectory) throws -> WardenProcess.Output {
        try WardenProcess.run(
            ["audit", "verify", "--db", "dev/data/audit.db", "--pubkey", "dev/audit/audit-signing.pub",
             "--witness", "dev/witness/audit.witness"], in: directory.path)
    }

    static func isListening(port: Int) throws -> Bool {
        let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        let table6 = (try? String(contentsOfFile: "/proc/net/tcp6", encoding: .utf8)) ?? ""
        let hex = String(format: ":%04X ", port)
        return (table + table6).split(separator: "\n").contains { $0.contains(hex) && $0.contains(" 0A ") }
    }

    @Test func theReadmeCurlCommandWorksAsWritten() async throws {
        let directory = TemporaryDirectory(prefix: "readme")
        let (server, port, logPath) = try await Self.startDevelopmentServer(in: directory)
        defer { if server.isRunning { server.terminate() } }
        let command = try Self.readmeCurlCommand().replacingOccurrences(of: "localhost:8443", with: "localhost:\(port)")
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/bin/bash")
        curl.arguments = ["-c", command + " --max-time 20 -sS"]
        curl.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let out = Pipe()
        curl.standardOutput = out
        curl.standardError = out
        try curl.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(curl.terminationStatus == 0, "\(command): \(output)")
        #expect(output.contains(#""object":"list""#), "\(output)")

        // Without a client certificate the same request fails in the handshake.
        let bare = Process()
        bare.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        bare.arguments = ["-sS", "--max-time", "10", "--cacert", "dev/ca.crt", "https://localhost:\(port)/v1/models"]
        bare.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        bare.standardOutput = Pipe()
        bare.standardError = Pipe()
        try bare.run()
        bare.waitUntilExit()
        #expect(bare.terminationStatus != 0)

        // SIGTERM: a graceful stop with exit status 0, and JSON access log lines without secrets.
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        let accessLines = log.split(separator: "\n").filter { $0.contains(#""msg":"request""#) }
        #expect(!accessLines.isEmpty, "\(log)")
        for line in accessLines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
        #expect(accessLines.contains { $0.contains("spiffe://warden.local/team/research/user/alice") })
        #expect(!log.contains("PRIVATE KEY"))
    }

    @Test func sighupReloadsTheCRLOfARunningServer() async throws {
        let directory = TemporaryDirectory(prefix: "sighup")
        let (server, port, _) = try await Self.startDevelopmentServer(in: directory)
        defer { if server.isRunning { server.terminate() } }
        let curl = Self.aliceCurl(in: directory)
        #expect(try await curl.request("https://localhost:\(port)/v1/models").status == 200)
        let revoke = try WardenProcess.run(["certs", "revoke", "--dir", "dev", "--name", "alice"], in: directory.path)
        #expect(revoke.status == 0, "\(revoke.stderr)")
        kill(server.processIdentifier, SIGHUP)
        var refused = false
        for _ in 0..<50 where !refused {
            try await Task.sleep(for: .milliseconds(100))
            refused = try await curl.request("https://localhost:\(port)/v1/models").status == 0
        }
        #expect(refused, "alice's revoked certificate still works after SIGHUP")
        #expect(server.isRunning)
    }

    @Test func anEditedPolicyFileIsPickedUpWithoutASignal() async throws {
        let directory = TemporaryDirectory(prefix: "watch")
        let policies = directory.file("policies")
        try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
        for file in ["model.conf", "policy.csv", "policy.cases"] {
            try FileManager.default.copyItem(
                atPath: WardenProcess.repositoryRoot + "/Policies/" + file, toPath: policies + "/" + file)
        }
        let (server, port, _) = try await Self.startDevelopmentServer(in: directory, policies: policies)
        defer { if server.isRunning { server.terminate() } }
        let curl = Self.aliceCurl(in: directory)
        let url = "https://localhost:\(port)/v1/embeddings"
        #expect(try await curl.request(url, method: "POST", body: Array("{}".utf8)).status == 403)
        // Grant users the (unserved) embeddings route: once the new policy is in force, the router answers 404.
        let grant = "\np, user, *, /v1/embeddings, POST, 0.0.0.0/0, allow\np, user, *, /v1/embeddings, POST, ::/0, allow\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: policies + "/policy.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(grant.utf8))
        try handle.close()
        var status = 403
        for _ in 0..<60 where status == 403 {
            try await Task.sleep(for: .milliseconds(250))
            status = try await curl.request(url, method: "POST", body: Array("{}".utf8)).status
        }
        #expect(status == 404, "the edited policy was not picked up")
        server.terminate()
        server.waitUntilExit()
        let tail = try WardenProcess.run(["audit", "query", "--db", directory.file("dev/data/audit.db"), "--type", "policy.reloaded"])
        #expect(tail.stdout.contains("policy.reloaded"), "\(tail.stdout) \(tail.stderr)")
    }

    @Test func aKeyRotationBesideARunningServerKeepsOneUnbrokenAuditChain() async throws {
        let directory = TemporaryDirectory(prefix: "rotate")
        let (server, port, _) = try await Self.startDevelopmentServer(in: directory)
        defer { if server.isRunning { server.terminate() } }
        let curl = Self.aliceCurl(in: directory)
        #expect(try await curl.request("https://localhost:\(port)/v1/models").status == 200)
        let rotate = try WardenProcess.run(["keys", "rotate", "--config", "dev/warden.yaml"], in: directory.path)
        #expect(rotate.status == 0, "\(rotate.stdout) \(rotate.stderr)")
        // The server appends after the CLI did: its next records must continue the chain the CLI extended.
        #expect(try await curl.request("https://localhost:\(port)/v1/models").status == 200)
        #expect(try await curl.request("https://localhost:\(port)/healthz").status == 200)
        server.terminate()
        server.waitUntilExit()
        let verify = try Self.verifyAuditLog(in: directory)
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.hasPrefix("OK: "))
        let rotations = try WardenProcess.run(
            ["audit", "query", "--db", "dev/data/audit.db", "--type", "key.rotated"], in: directory.path)
        #expect(rotations.stdout.contains("key.rotated"))
    }

    @Test func anErasureRequestShredsACallersPromptsWhileTheAuditLogStillVerifies() async throws {
        let directory = TemporaryDirectory(prefix: "shred")
        let (server, port, _) = try await Self.startDevelopmentServer(in: directory)
        defer { if server.isRunning { server.terminate() } }
        let curl = Self.aliceCurl(in: directory)
        let body = #"{"model":"gemma-3-270m","prompt":"My account number is 4417-9921","max_tokens":2,"temperature":0}"#
        let completion = try await curl.request(
            "https://localhost:\(port)/v1/completions", method: "POST", body: Array(body.utf8), timeoutSeconds: 60)
        #expect(completion.status == 200, "needs the default model (scripts/test.sh installs it): \(completion.body)")
        let completed = try WardenProcess.run(
            ["audit", "query", "--db", "dev/data/audit.db", "--type", "request.completed"], in: directory.path)
        let promptRecord = try #require(
            completed.stdout.split(separator: " ").first { $0.hasPrefix("prompt_record=") }?.dropFirst("prompt_record=".count),
            "no prompt_record in \(completed.stdout)")
        let show = ["prompts", "show", "--config", "dev/warden.yaml", "--id", String(promptRecord), "--actor", "auditor-ann"]
        let before = try WardenProcess.run(show, in: directory.path)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("4417-9921"))
        // The erasure request runs beside the live server.
        let shred = try WardenProcess.run(
            ["prompts", "shred", "--config", "dev/warden.yaml", "--subject", "spiffe://warden.local/team/research/user/alice"],
            in: directory.path)
        #expect(shred.status == 0, "\(shred.stdout) \(shred.stderr)")
        let after = try WardenProcess.run(show, in: directory.path)
        #expect(after.status != 0)
        #expect((after.stdout + after.stderr).contains("shredded"), "\(after.stdout) \(after.stderr)")
        #expect(!after.stdout.contains("4417-9921"))
        server.terminate()
        server.waitUntilExit()
        let verify = try Self.verifyAuditLog(in: directory)
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let events = try WardenProcess.run(["audit", "query", "--db", "dev/data/audit.db"], in: directory.path)
        for type in ["prompt.read", "prompt.shredded"] {
            #expect(events.stdout.contains(type), "no \(type) record")
        }
        #expect(!events.stdout.contains("4417-9921"), "prompt text in the audit log")
    }

    @Test func initRefusesToOverwriteAnExistingSetup() throws {
        let directory = TemporaryDirectory(prefix: "init")
        let arguments = ["init", "--dir", "dev", "--policies", WardenProcess.repositoryRoot + "/Policies"]
        #expect(try WardenProcess.run(arguments, in: directory.path).status == 0)
        let again = try WardenProcess.run(arguments, in: directory.path)
        #expect(again.status != 0)
        #expect(again.stderr.contains("--force"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("dev/ca.key"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func serveRefusesAConfigurationWithAnUnknownKey() throws {
        let directory = TemporaryDirectory(prefix: "config")
        try "server:\n  prot: 8443\n".write(toFile: directory.file("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try WardenProcess.run(["serve", "--config", directory.file("bad.yaml")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown key 'server.prot'"), "\(result.stderr)")
    }
}
