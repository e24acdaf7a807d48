import ArgumentParser
import Foundation
import Redline

/// `--timeout`, and Ctrl-C: the limits every evaluating command runs under (Grammar.md §12).
struct LimitOptions: ParsableArguments {
    @Option(help: "Stop an evaluation that takes longer than this many seconds (0: no limit).")
    var timeout: Double = 600

    func validate() throws {
        if !(timeout >= 0) || !timeout.isFinite { throw ValidationError("--timeout must be a number of seconds, 0 or more") }
    }

    var limits: EvaluationLimits {
        var limits = EvaluationLimits()
        limits.timeout = timeout > 0 ? timeout : nil
        return limits
    }

    /// A flag that Ctrl-C (SIGINT) sets, so that a long run or query stops at its next step and
    /// says so instead of dying half-way. The handler only stores to memory (all a signal handler
    /// may safely do); a thread of its own turns that into the flag, since the evaluation keeps
    /// every dispatch worker busy. A second Ctrl-C leaves at once (exit 130).
    static func interruptFlag() -> CancellationFlag {
        let flag = CancellationFlag()
        // A parent may hand the signal down blocked (test runners do): take it in this thread.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if interruptPending.pointee != 0 { _exit(130) }
            interruptPending.pointee = 1
        }
        let watcher = Thread {
            while interruptPending.pointee == 0 { usleep(20_000) }
            flag.cancel()
        }
        watcher.start()
        return flag
    }
}

/// Set by the SIGINT handler; read by the watcher thread.
nonisolated(unsafe) let interruptPending: UnsafeMutablePointer<sig_atomic_t> = {
    let pointer = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return pointer
}()
