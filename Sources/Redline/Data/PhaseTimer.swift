import Foundation

/// Prints how long each loading phase took when `REDLINE_PROFILE` is set: for tuning, off by default.
enum PhaseTimer {
    static let enabled = ProcessInfo.processInfo.environment["REDLINE_PROFILE"] != nil

    static func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = Date()
        let result = try body()
        writeToStandardError("  [\(name)] \(String(format: "%.3f", Date().timeIntervalSince(start))) s\n")
        return result
    }
}

/// A message on standard error through write(2): Foundation's `FileHandle.write(_:)` traps when
/// the write fails (a full disk, a closed descriptor), and a diagnostic must never crash a run.
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
