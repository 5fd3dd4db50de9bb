import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Only canonical paths reach the policy and the router, so that `/v1//models`, `/v1/./models` or percent-encoded
/// separators cannot make a rule over-match or be bypassed (a lesson from Casbin's gateway plugins).
enum CanonicalPath {
    static func validate(_ uri: URI) throws(OpenAIError) -> String {
        let path = uri.path
        let invalid = OpenAIError.invalidRequest("The request path is not in canonical form.", code: "invalid_path")
        guard path.hasPrefix("/"), path.utf8.count <= 2048 else { throw invalid }
        if path == "/" { return path }
        for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." || segment == ".." { throw invalid }
        }
        if path.contains("%") || path.contains("\\") { throw invalid }
        return path
    }
}
