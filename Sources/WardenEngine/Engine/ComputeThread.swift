import Foundation

/// A dedicated thread that runs submitted jobs one after another and, between them, the batch scheduler's steps.
///
/// Why: forward passes take milliseconds to seconds of CPU; running them on Swift's cooperative pool or an event
/// loop would starve the gateway's other work. The kernels' worker pool hangs off this thread. Jobs (e.g. a direct
/// `forward` call) run between two scheduler steps, never during one.
final class ComputeThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false
    private var stepRequested = false
    private let step: @Sendable () -> Bool

    /// Starts the thread. `step` runs one scheduler iteration and returns whether more work remains. The thread holds
    /// this object until `stop()` lets its loop end, so the object outlives every access.
    init(name: String, step: @escaping @Sendable () -> Bool = { false }) {
        self.step = step
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

    /// Asks for scheduler steps (new request, cancellation); cheap and safe from any thread.
    func wake() {
        condition.lock()
        stepRequested = true
        condition.signal()
        condition.unlock()
    }

    /// Whether `stop()` was called.
    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
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

    /// Refuses new jobs; queued jobs and the scheduler's remaining work finish, then the thread ends.
    func stop() {
        condition.lock()
        stopped = true
        stepRequested = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stepRequested && !stopped { condition.wait() }
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                condition.unlock()
                job()
                continue
            }
            let wantsStep = stepRequested
            stepRequested = false
            condition.unlock()
            let more = wantsStep ? step() : false
            if more {
                condition.lock()
                stepRequested = true
                condition.unlock()
                continue
            }
            condition.lock()
            let finished = stopped && jobs.isEmpty && !stepRequested
            condition.unlock()
            if finished { return }
        }
    }
}

/// Carries a job's result from the compute thread to the waiting caller (the semaphore orders the accesses).
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
