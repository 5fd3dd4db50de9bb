import Foundation
import Testing
@testable import WardenPolicy

/// Expected values follow Casbin's documented examples and Go Casbin's util tests.
@Suite struct FunctionTests {
    @Test func keyMatchLooksAtTheFirstStarOnly() {
        #expect(KeyMatchFunctions.keyMatch("/foo/bar", "/foo/*"))
        #expect(KeyMatchFunctions.keyMatch("/foo", "/foo*"))
        #expect(!KeyMatchFunctions.keyMatch("/foo", "/foo/*"))
        #expect(KeyMatchFunctions.keyMatch("/foo/bar/baz", "/foo/*/qux"))
        #expect(!KeyMatchFunctions.keyMatch("/bar", "/foo"))
    }

    @Test func keyMatch2To5CompilePatternsToAnchoredRegexes() throws {
        #expect(try KeyMatchFunctions.keyMatch2("/resource1", "/:resource"))
        #expect(try KeyMatchFunctions.keyMatch2("/alice_data2/myid/using/res_id", "/alice_data2/:id/using/:resId"))
        #expect(!(try KeyMatchFunctions.keyMatch2("/foo/bar", "/foo")))
        #expect(try KeyMatchFunctions.keyMatch2("/foo/bar/baz", "/foo/*"))
        #expect(try KeyMatchFunctions.keyMatch3("/resource1", "/{resource}"))
        #expect(!(try KeyMatchFunctions.keyMatch3("/a/b", "/{x}")))
        #expect(try KeyMatchFunctions.keyMatch4("/parent/123/child/123", "/parent/{id}/child/{id}"))
        #expect(!(try KeyMatchFunctions.keyMatch4("/parent/123/child/456", "/parent/{id}/child/{id}")))
        #expect(try KeyMatchFunctions.keyMatch5("/foo/bar?status=1&type=2", "/foo/bar"))
        #expect(try KeyMatchFunctions.keyMatch5("/parent/child1?status=1", "/parent/*"))
        // A regex metacharacter keeps its meaning, as in Casbin.
        #expect(try KeyMatchFunctions.keyMatch2("/files/aXtxt", "/files/a.txt"))
        // RE2's `$` is the end of the text, not "before a final newline".
        #expect(!(try KeyMatchFunctions.keyMatch2("/resource1\n", "/resource1")))
    }

    @Test func preparedKeyMatch2PatternsAgreeWithTheRegexCasbinBuilds() throws {
        let patterns = ["/admin/*", "/v1/models/:id", "/*", "/a/:x/b/:y", "/v1/chat/completions", "/files/:name.txt", "/a/b/*"]
        let keys = ["/admin/keys", "/admin/", "/admin", "/admin/a/b", "/admin/a\nb", "/v1/models/x", "/v1/models/", "/v1/models/x/y",
                    "/", "/a/1/b/2", "/a//b/2", "/v1/chat/completions", "/v1/chat/completions/", "/files/a.txt", "/files/a:b", "/a/b/c", "/a/b", ""]
        for pattern in patterns {
            let prepared = KeyPattern(keyMatch2: pattern)
            guard case .segments = prepared else { continue }
            let converted = KeyMatchFunctions.replacingPlaceholders(in: pattern.replacingOccurrences(of: "/*", with: "/.*"), style: .colon, with: "[^/]+")
            let regex = try NSRegularExpression(pattern: "\\A" + converted + "\\z")
            for key in keys {
                let expected = regex.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
                #expect(try prepared.matches(key) == expected, "\(pattern) vs \(key)")
            }
        }
    }

    @Test func keyGetVariantsReturnTheMatchedParts() throws {
        #expect(KeyMatchFunctions.keyGet("/foo/bar/foo", "/foo/*") == "bar/foo")
        #expect(KeyMatchFunctions.keyGet("/bar/foo", "/foo/*") == "")
        #expect(try KeyMatchFunctions.keyGet2("/resource1", "/:resource", "resource") == "resource1")
        #expect(try KeyMatchFunctions.keyGet2("/a/b", "/:x/:y", "y") == "b")
        #expect(try KeyMatchFunctions.keyGet3("project/proj_project1_admin/", "project/proj_{project}_admin/", "project") == "project1")
    }

    @Test func regexMatchSearchesAnywhereLikeGo() throws {
        #expect(try KeyMatchFunctions.regexMatch("/topic/create", "/topic/create"))
        #expect(try KeyMatchFunctions.regexMatch("xx/topic/create", "/topic/create"))
        #expect(!(try KeyMatchFunctions.regexMatch("/topic/edit", "/topic/create")))
        #expect(throws: EvaluationError.self) { try KeyMatchFunctions.regexMatch("x", "(") }
    }

    @Test func ipMatchHandlesIPv4IPv6AndCIDRs() throws {
        #expect(try IPAddressMatcher.ipMatch("192.168.2.123", "192.168.2.0/24"))
        #expect(!(try IPAddressMatcher.ipMatch("192.168.3.1", "192.168.2.0/24")))
        #expect(try IPAddressMatcher.ipMatch("192.168.2.1", "192.168.2.1"))
        #expect(try IPAddressMatcher.ipMatch("2001:db8::1", "2001:db8::/32"))
        #expect(!(try IPAddressMatcher.ipMatch("2001:db9::1", "2001:db8::/32")))
        #expect(try IPAddressMatcher.ipMatch("::1", "::1/128"))
        // Go: an IPv4-mapped IPv6 address is the IPv4 address, and v4 addresses are outside v6 networks.
        #expect(try IPAddressMatcher.ipMatch("::ffff:10.1.2.3", "10.0.0.0/8"))
        #expect(!(try IPAddressMatcher.ipMatch("10.1.2.3", "::/0")))
        #expect(throws: EvaluationError.self) { try IPAddressMatcher.ipMatch("not-an-ip", "10.0.0.0/8") }
        #expect(throws: EvaluationError.self) { try IPAddressMatcher.ipMatch("10.0.0.1", "10.0.0.0/33") }
        #expect(throws: EvaluationError.self) { try IPAddressMatcher.ipMatch("010.0.0.1", "10.0.0.0/8") }
        #expect(throws: EvaluationError.self) { try IPAddressMatcher.ipMatch("1::2::3", "::/0") }
    }

    @Test func globMatchFollowsDoublestar() throws {
        #expect(try GlobMatcher.globMatch("/foo/bar", "/foo/*"))
        #expect(!(try GlobMatcher.globMatch("/foo/bar/baz", "/foo/*")))
        #expect(try GlobMatcher.globMatch("/foo/bar/baz", "/foo/**"))
        #expect(try GlobMatcher.globMatch("/foo/bar", "/foo/b?r"))
        #expect(try GlobMatcher.globMatch("/data/apple", "/data/[abc]*"))
        #expect(!(try GlobMatcher.globMatch("/data/dog", "/data/[abc]*")))
        #expect(try GlobMatcher.globMatch("/x/y.txt", "/x/{y,z}.txt"))
        #expect(throws: EvaluationError.self) { try GlobMatcher.globMatch("a", "[a") }
    }

    @Test func timeMatchReadsGoLayoutInUTC() throws {
        let now = try #require(TimeWindow.parse("2026-06-01 12:00:00"))
        #expect(try TimeWindow.timeMatch("_", "_", now: now))
        #expect(try TimeWindow.timeMatch("2026-01-01 00:00:00", "2027-01-01 00:00:00", now: now))
        #expect(!(try TimeWindow.timeMatch("2026-07-01 00:00:00", "_", now: now)))
        #expect(!(try TimeWindow.timeMatch("_", "2026-06-01 12:00:00", now: now)))
        #expect(throws: EvaluationError.self) { try TimeWindow.timeMatch("yesterday", "_", now: now) }
    }
}
