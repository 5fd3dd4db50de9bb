/// Maps a request path to the fixed label used in metrics and logs, so clients cannot mint label values.
enum RouteLabel {
    static let known: Set<String> = [
        "/v1/models", "/v1/chat/completions", "/v1/completions", "/healthz", "/readyz", "/metrics",
    ]

    static func label(for path: String) -> String {
        if known.contains(path) { return path }
        if path.hasPrefix("/v1/models/") { return "/v1/models/{id}" }
        if path.hasPrefix("/admin/") || path == "/admin" { return "/admin" }
        return "other"
    }
}
