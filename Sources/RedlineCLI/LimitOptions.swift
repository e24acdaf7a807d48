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
    /// says so instead of dying half-way. The handler only writes a byte to a pipe (write(2) is
    /// async-signal-safe, and it keeps errno as it found it); a thread of its own waits on the
    /// pipe and sets the flag, so no memory is shared with the handler. A second Ctrl-C leaves at
    /// once (exit 130).
    static func interruptFlag() -> CancellationFlag {
        let flag = CancellationFlag()
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return flag }
        interruptPipe.pointee = fds[1]
        let readEnd = fds[0]
        // A parent may hand the signal down blocked (test runners do): take it in this thread.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            let saved = errno
            var byte: UInt8 = 1
            _ = write(interruptPipe.pointee, &byte, 1)
            errno = saved
        }
        let watcher = Thread {
            var byte: UInt8 = 0
            var seen = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n < 0, errno == EINTR { continue }
                guard n == 1 else { return }
                seen += 1
                if seen == 1 { flag.cancel() } else { _exit(130) }
            }
        }
        watcher.start()
        return flag
    }
}

/// The pipe's write end, set before the SIGINT handler is installed and only read by it.
nonisolated(unsafe) let interruptPipe: UnsafeMutablePointer<Int32> = {
    let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    pointer.initialize(to: -1)
    return pointer
}()
