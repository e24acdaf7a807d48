import ArgumentParser
import Dispatch
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
    /// says so instead of dying half-way. The signal is turned into a dispatch event, handled on
    /// an ordinary thread: no lock is touched inside a signal handler.
    static func interruptFlag() -> CancellationFlag {
        let flag = CancellationFlag()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if flag.isCancelled { Foundation.exit(130) }  // a second Ctrl-C leaves at once
            flag.cancel()
        }
        source.resume()
        interruptSources.append(source)
        return flag
    }

    /// Kept alive for the life of the process.
    nonisolated(unsafe) private static var interruptSources: [DispatchSourceSignal] = []
}
