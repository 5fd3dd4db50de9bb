import Foundation
import Testing
@testable import WardenPolicy

/// Compares Warden's decisions with pycasbin 2.8 (the reference implementation we can run in CI) over every
/// fixture in `Fixtures/differential` plus Warden's default `Policies/`, on random requests drawn from the
/// names each policy uses. The driver aligns the two documented Go-vs-Python differences that the fixtures
/// exercise (regexMatch anchoring, automatic keyMatch domain matching); see `Fixtures/pycasbin_driver.py`.
@Suite struct DifferentialTests {
    struct Job {
        let name: String
        let modelPath: String
        let policyPath: String
        let requests: [[PolicyValue]]
    }

    static let requestsPerFixture = 250

    @Test func wardenDecidesExactlyAsPycasbinOnEveryFixture() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import casbin"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        try #require(
            probe.terminationStatus == 0,
            "pycasbin is required for the differential test: run `pip install pycasbin==2.8.0` (python3 -c 'import casbin' failed)")

        let jobs = try Self.makeJobs()
        #expect(jobs.count >= 20)
        let results = try Self.runPycasbin(jobs)
        try #require(results.count == jobs.count)
        var disagreements: [String] = []
        var compared = 0
        var fixturesWithAllows = 0
        var withoutAllows: [String] = []
        var referenceErrors = 0
        for (job, expected) in zip(jobs, results) {
            if expected.contains(where: { if case .bool(true) = $0 { return true } else { return false } }) {
                fixturesWithAllows += 1
            } else {
                withoutAllows.append(job.name)
            }
            referenceErrors += expected.filter { if case .error = $0 { return true } else { return false } }.count
            let enforcer = try PolicyEnforcer.load(modelPath: job.modelPath, policyPath: job.policyPath)
            for (request, reference) in zip(job.requests, expected) {
                let decision = enforcer.enforce(request)
                compared += 1
                let agrees: Bool
                switch reference {
                case .bool(let allowed): agrees = decision.error == nil && decision.allowed == allowed
                // Where pycasbin fails to evaluate some rule, Warden must deny too. It may call that a plain
                // denial: its indexes skip rules that cannot match without evaluating them (documented).
                case .error: agrees = !decision.allowed
                }
                if !agrees {
                    let shown = request.map { TestSupport.json($0) }.joined(separator: ", ")
                    disagreements.append("\(job.name): [\(shown)] pycasbin=\(reference) warden=\(decision.allowed) \(decision.reason)")
                }
            }
        }
        #expect(compared > 20 * 100)
        // The comparison means something only if the random requests reach allows, denials and errors.
        #expect(fixturesWithAllows >= jobs.count - 2, "no allowed request in \(withoutAllows)")
        #expect(referenceErrors > 0)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(40).joined(separator: "\n"))")
    }

    enum Reference: CustomStringConvertible {
        case bool(Bool)
        case error(String)
        var description: String {
            switch self {
            case .bool(let flag): return String(flag)
            case .error(let message): return message
            }
        }
    }

    static func makeJobs() throws -> [Job] {
        let folder = TestSupport.fixtures.appendingPathComponent("differential")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix("_model.conf") }
            .map { String($0.dropLast("_model.conf".count)) }
            .sorted()
        var jobs: [Job] = []
        var generator = SeededGenerator(seed: 0x5EED_CA5B)
        for name in names {
            let model = folder.appendingPathComponent("\(name)_model.conf").path
            let policy = folder.appendingPathComponent("\(name)_policy.csv").path
            let pools = folder.appendingPathComponent("\(name)_pools.json").path
            jobs.append(try job(name: name, model: model, policy: policy, poolsPath: pools, generator: &generator))
        }
        let defaults = TestSupport.policies
        jobs.append(try job(
            name: "default-policies", model: defaults.appendingPathComponent("model.conf").path,
            policy: defaults.appendingPathComponent("policy.csv").path,
            poolsPath: folder.appendingPathComponent("warden_default_pools.json").path, generator: &generator))
        return jobs
    }

    static func job(name: String, model: String, policy: String, poolsPath: String, generator: inout SeededGenerator) throws -> Job {
        let enforcer = try PolicyEnforcer.load(modelPath: model, policyPath: policy)
        let width = enforcer.model.requestDefinitions["r"]!.tokens.count
        var names: Set<String> = ["nobody"]
        let policyText = try String(contentsOfFile: policy, encoding: .utf8)
        try PolicyCSVReader.read(policyText, file: policy) { row in names.formUnion(row.fields) }
        var pools = Array(repeating: names.sorted().map { PolicyValue.string($0) }, count: width)
        if FileManager.default.fileExists(atPath: poolsPath) {
            let given = try PolicyRequestParser.parseValueLists(try String(contentsOfFile: poolsPath, encoding: .utf8))
            for (position, values) in given.enumerated() where position < width {
                // Fixture pools come first and are drawn three times as often as the policy's own names.
                pools[position] = values + values + values + pools[position]
            }
        }
        var requests: [[PolicyValue]] = []
        for _ in 0..<requestsPerFixture {
            requests.append(pools.map { $0.randomElement(using: &generator)! })
        }
        return Job(name: name, modelPath: model, policyPath: policy, requests: requests)
    }

    static func runPycasbin(_ jobs: [Job]) throws -> [[Reference]] {
        var payload = "{\"jobs\": ["
        payload += jobs.map { job in
            let requests = job.requests.map { "[" + $0.map(TestSupport.json).joined(separator: ", ") + "]" }.joined(separator: ", ")
            return "{\"model\": \(TestSupport.jsonString(job.modelPath)), \"policy\": \(TestSupport.jsonString(job.policyPath)), \"requests\": [\(requests)]}"
        }.joined(separator: ", ")
        payload += "]}"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestSupport.fixtures.appendingPathComponent("pycasbin_driver.py").path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let body = Data(payload.utf8)
        let writer = Thread {
            input.fileHandleForWriting.write(body)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the pycasbin driver failed with status \(process.terminationStatus)")
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let lists = object["results"] as! [[Any]]
        return lists.map { list in
            list.map { item in
                if let text = item as? String { return .error(text) }
                return .bool((item as! NSNumber).boolValue)
            }
        }
    }
}
