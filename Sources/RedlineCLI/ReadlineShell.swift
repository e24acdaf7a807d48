@preconcurrency import CReadline
import Foundation
import Redline

/// The REPL on a terminal, through GNU readline: history across sessions, Ctrl-R search, tab
/// completion from the session, Ctrl-C to abandon a line or interrupt an evaluation, Ctrl-D to leave.
struct ReadlineShell {
    let session: Session

    static let prompt = "redline> "
    static let continuation = "     ..> "

    /// Where history is kept: `$REDLINE_HISTORY`, or `.redline_history` in `$HOME` (as shells
    /// and psql do; the password database's home only when `HOME` is unset). None when there is
    /// no home at all (a user the password database does not know, as in some containers): the
    /// session then keeps no history. (Foundation's `NSHomeDirectory` traps in that case.)
    static var historyPath: String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["REDLINE_HISTORY"], !path.isEmpty { return path }
        var home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        if home == nil, let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
            home = String(cString: directory)
        }
        guard let home, !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".redline_history")
    }

    func run() {
        setlocale(LC_ALL, "")
        ShellState.session = session
        redline_set_catch_signals(0)
        redline_set_completion(completeCallback)
        redline_set_word_breaks(ShellState.wordBreaks)
        redline_set_word_break_hook(wordBreakHook)
        using_history()
        redline_set_multiline_history()
        let history = ReadlineShell.historyPath
        func saveHistory() { if let history { write_history(history) } }
        if let history { read_history(history) }
        signal(SIGINT, interruptHandler)
        Output.write("Redline — :help for commands, Ctrl-D to leave.\n")
        while true {
            ShellState.readingLine = true
            let raw = readline(session.isContinuing ? ReadlineShell.continuation : ReadlineShell.prompt)
            ShellState.readingLine = false
            guard let raw else {
                // Ctrl-D on an empty line.
                Output.write("\n")
                break
            }
            let line = String(cString: raw)
            free(raw)
            if !session.isContinuing { ShellState.entry.removeAll() }
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { ShellState.entry.append(line) }
            session.cancellation.reset()
            ShellState.evaluating = true
            let response = session.submit(line)
            ShellState.evaluating = false
            // The lines of one input are one history entry: Up brings back a whole definition.
            if response != .needsMore, !ShellState.entry.isEmpty {
                add_history(ShellState.entry.joined(separator: "\n"))
                saveHistory()
                ShellState.entry.removeAll()
            }
            switch response {
            case .needsMore: continue
            case .output(let text): Output.write(text)
            case .error(let text): Output.error(text)
            case .quit:
                saveHistory()
                return
            }
        }
        saveHistory()
    }
}

/// State the C callbacks reach (readline calls them on the main thread).
enum ShellState {
    nonisolated(unsafe) static var session: Session?
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var readingLine = false
    nonisolated(unsafe) static var evaluating = false
    /// The lines of the input being typed, for its history entry.
    nonisolated(unsafe) static var entry: [String] = []
    /// Completion words break at these: at `.` so that `h.lev` completes `lev`; not at `/` or `-`,
    /// which belong to file names.
    /// (readline keeps the pointer, so the string is made once and never freed.)
    nonisolated(unsafe) static let wordBreaks: UnsafeMutablePointer<CChar>? = strdup(" \t\n\"'`@$><=;|&{(,.[]+*")
    /// After `:load` and `:data` the word is a file path, which may hold `.` and most of the
    /// characters above: only blanks end it.
    nonisolated(unsafe) static let pathBreaks: UnsafeMutablePointer<CChar>? = strdup(" \t\n")
}

/// The word breaks for the line being completed: file paths after `:load` and `:data`.
private func wordBreakHook() -> UnsafeMutablePointer<CChar>? {
    guard let buffer = redline_line_buffer() else { return nil }
    let line = String(cString: buffer).drop { $0 == " " || $0 == "\t" }
    return line.hasPrefix(":load ") || line.hasPrefix(":data ") ? ShellState.pathBreaks : nil
}

private func interruptHandler(_ signal: Int32) {
    if ShellState.evaluating {
        ShellState.session?.cancellation.cancel()
    } else if ShellState.readingLine {
        ShellState.session?.abandonInput()
        redline_abandon_line(ReadlineShell.prompt)
    }
}

private func completeCallback(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    redline_set_completion_over(1)
    guard let session = ShellState.session, let text else { return nil }
    let word = String(cString: text)
    var before = ""
    if let buffer = redline_line_buffer() {
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(max(0, start)))
        before = String(decoding: bytes, as: UTF8.self)
    }
    ShellState.candidates = session.completions(for: word, before: before)
    let isPath = before.hasPrefix(":load") || before.hasPrefix(":data")
    redline_set_append_character(isPath && ShellState.candidates.count == 1 && ShellState.candidates[0].hasSuffix("/") ? 0 : 32)
    return rl_completion_matches(text, candidateGenerator)
}

private func candidateGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    let index = Int(state)
    guard index < ShellState.candidates.count else { return nil }
    return strdup(ShellState.candidates[index])
}
