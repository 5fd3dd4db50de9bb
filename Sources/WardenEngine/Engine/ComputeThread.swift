import Foundation

/// A dedicated thread that runs submitted jobs one after another.
///
/// Why: forward passes take milliseconds to seconds of CPU; running them on Swift's cooperative pool or an event
/// loop would starve the gateway's other work. The kernels' worker pool hangs off this thread.
final class ComputeThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

    /// Starts the thread. It holds this object until `stop()` lets its loop end, so the object outlives every access.
    init(name: String) {
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Queues `job`; returns false when the thread has been stopped.
    @discardableResult
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Runs `job` on the thread and waits for its result.
    func run<T: Sendable>(_ job: @escaping @Sendable () -> T) throws(EngineError) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        guard submit({ box.value = job(); done.signal() }) else {
            throw EngineError(.shutDown, "the engine has been shut down")
        }
        done.wait()
        return box.value!
    }

    /// Lets queued jobs finish, then ends the thread.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// Carries a job's result from the compute thread to the waiting caller (the semaphore orders the accesses).
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
