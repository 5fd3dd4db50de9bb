import Foundation

/// Requests waiting for admission, first come first served, bounded: beyond the free places in the running batch,
/// at most `limit` requests wait, and a submission past that is refused at once, so a burst turns into fast 429s
/// instead of unbounded memory and latency. Preempted sequences go back to the front and do not count against the
/// bound (they were already admitted once).
final class RequestQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [GenerationRequest] = []
    private var head = 0
    private var runningCount = 0
    let limit: Int
    let maxRunning: Int

    init(limit: Int, maxRunning: Int) {
        self.limit = limit
        self.maxRunning = maxRunning
    }

    /// Appends `request`; false when every free place in the batch is spoken for and `limit` requests already wait.
    func enqueue(_ request: GenerationRequest) -> Bool {
        lock.withLock {
            guard waiting.count - head < limit + max(0, maxRunning - runningCount) else { return false }
            waiting.append(request)
            return true
        }
    }

    /// The scheduler publishes how many sequences run, so free batch places admit requests even with `limit` 0.
    func setRunningCount(_ count: Int) { lock.withLock { runningCount = count } }

    /// Puts a preempted request back at the front.
    func requeueAtFront(_ request: GenerationRequest) {
        lock.withLock {
            if head > 0 {
                head -= 1
                waiting[head] = request
            } else {
                waiting.insert(request, at: 0)
            }
        }
    }

    var first: GenerationRequest? { lock.withLock { head < waiting.count ? waiting[head] : nil } }

    @discardableResult
    func removeFirst() -> GenerationRequest? {
        lock.withLock {
            guard head < waiting.count else { return nil }
            let request = waiting[head]
            head += 1
            if head > 64 && head * 2 > waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            return request
        }
    }

    /// Removes and returns every waiting request that `shouldRemove` selects, keeping the others' order.
    func removeAll(where shouldRemove: (GenerationRequest) -> Bool) -> [GenerationRequest] {
        lock.withLock {
            var kept: [GenerationRequest] = [], removed: [GenerationRequest] = []
            for request in waiting[head...] {
                if shouldRemove(request) { removed.append(request) } else { kept.append(request) }
            }
            guard !removed.isEmpty else { return [] }
            waiting = kept
            head = 0
            return removed
        }
    }

    var count: Int { lock.withLock { waiting.count - head } }
}
