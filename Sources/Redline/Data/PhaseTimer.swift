import Foundation

/// Prints how long each loading phase took when `REDLINE_PROFILE` is set: for tuning, off by default.
enum PhaseTimer {
    static let enabled = ProcessInfo.processInfo.environment["REDLINE_PROFILE"] != nil

    static func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = Date()
        let result = try body()
        FileHandle.standardError.write(Data("  [\(name)] \(String(format: "%.3f", Date().timeIntervalSince(start))) s\n".utf8))
        return result
    }
}
