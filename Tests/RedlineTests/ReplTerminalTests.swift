import Foundation
import Testing
@testable import Redline

/// The real `redline repl` in a terminal (tmux, headless): what an analyst sees and types.
final class Terminal {
    let socket = "redline-test-\(UUID().uuidString.prefix(8))"
    let tmux = "/usr/bin/tmux"

    /// Runs tmux through the shell with `system`, which waits for the client alone: the server it
    /// starts keeps running (Foundation's Process would wait for it too).
    @discardableResult
    func tmuxCommand(_ arguments: [String], capture: Bool = true) -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let quoted = ([tmux, "-L", socket, "-f", "/dev/null"] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        _ = system(quoted.joined(separator: " ") + " </dev/null >'\(output)' 2>/dev/null")
        return capture ? ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") : ""
    }

    func start(_ command: String) {
        tmuxCommand(["new-session", "-d", "-s", "S", "-x", "160", "-y", "50", command], capture: false)
    }

    func type(_ text: String) { tmuxCommand(["send-keys", "-t", "S", "-l", text]) }
    func press(_ key: String) { tmuxCommand(["send-keys", "-t", "S", key]) }
    func screen() -> String { tmuxCommand(["capture-pane", "-p", "-t", "S"]) }

    /// (capture-pane drops trailing blanks: expected texts do not end with one.)
    /// Polls the screen until `predicate` holds (or the deadline passes).
    @discardableResult
    func wait(timeout: Double = 20, _ predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(screen()) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    func waitFor(_ text: String, timeout: Double = 20) -> Bool { wait(timeout: timeout) { $0.contains(text) } }

    /// Lines of the screen that start with the prompt.
    func promptCount() -> Int { screen().components(separatedBy: "\n").filter { $0.hasPrefix("redline> ") || $0 == "redline>" }.count }

    func isRunning() -> Bool { tmuxCommand(["has-session", "-t", "S"]).isEmpty && tmuxCommand(["list-sessions"]).contains("S:") }

    func close() { tmuxCommand(["kill-server"], capture: false) }
}

@Suite(.serialized) struct ReplTerminalTests {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    func command(history: String, data: String = "Rules/sample", extra: String = "") -> String {
        "cd '\(Support.root.path)' && env REDLINE_HISTORY='\(history)' TERM=xterm LANG=C.UTF-8 '\(Support.redlineBinary.path)' repl Rules/three-always.rl --data \(data) --as-of 2024-06-30 \(extra)"
    }

    @Test func analystSession() throws {
        try #require(ReplTerminalTests.available, "tmux is needed for the terminal tests (.ci/run installs it)")
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("redline-history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: history) }
        let terminal = Terminal()
        defer { terminal.close() }
        terminal.start(command(history: history))
        #expect(terminal.waitFor("redline>"), "no prompt: \(terminal.screen())")

        // A query's table.
        terminal.type("from h in hazards where h.level == \"major\" and h.enterprise.county == \"郊区\" select h.id, h.deadline")
        terminal.press("Enter")
        #expect(terminal.waitFor("H008  2024-05-15"), "\(terminal.screen())")

        // Tab completes a table name, then a column after `.`.
        terminal.type("count h in haz")
        terminal.press("Tab")
        #expect(terminal.waitFor("count h in hazards"), "\(terminal.screen())")
        terminal.type("where h.lev")
        terminal.press("Tab")
        #expect(terminal.waitFor("where h.level "), "\(terminal.screen())")
        terminal.type("== \"major\"")
        terminal.press("Enter")
        #expect(terminal.wait { $0.contains("== \"major\"\n12\n") }, "\(terminal.screen())")

        // A definition over several lines, with the continuation prompt.
        terminal.type("define recent(h) =")
        terminal.press("Enter")
        #expect(terminal.waitFor("..>"))
        terminal.type("h.found_on >= 2024-04-01")
        terminal.press("Enter")
        #expect(terminal.waitFor("added"), "\(terminal.screen())")
        terminal.type("count h in hazards where recent(h)")
        terminal.press("Enter")
        #expect(terminal.wait { $0.contains("recent(h)\n11\n") }, "\(terminal.screen())")

        // Ctrl-C abandons an unfinished input and gives a fresh prompt.
        terminal.type("(1 +")
        terminal.press("Enter")
        #expect(terminal.waitFor("..>"))
        terminal.press("C-c")
        terminal.type("40 + 2")
        terminal.press("Enter")
        #expect(terminal.wait { $0.contains("redline> 40 + 2\n42") }, "\(terminal.screen())")

        // Ctrl-D leaves and saves the history.
        terminal.press("C-d")
        #expect(terminal.wait { _ in (try? String(contentsOfFile: history, encoding: .utf8))?.contains("40 + 2") == true })

        // After a restart, Up recalls the last line.
        let again = Terminal()
        defer { again.close() }
        again.start(command(history: history))
        #expect(again.waitFor("redline>"))
        again.press("Up")
        #expect(again.waitFor("redline> 40 + 2"), "\(again.screen())")
        again.press("Enter")
        #expect(again.wait { $0.contains("40 + 2\n42") })
    }

    /// History lives in `$HOME/.redline_history` (not the password database's home), and a
    /// definition typed over several lines comes back with Up as one entry, after a restart too.
    @Test func historyFollowsHomeAndKeepsMultiLineEntriesWhole() throws {
        try #require(ReplTerminalTests.available, "tmux is needed for the terminal tests (.ci/run installs it)")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("redline-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let command = "cd '\(Support.root.path)' && env -u REDLINE_HISTORY HOME='\(home.path)' TERM=xterm LANG=C.UTF-8 '\(Support.redlineBinary.path)' repl Rules/three-always.rl --data Rules/sample --as-of 2024-06-30"
        let terminal = Terminal()
        defer { terminal.close() }
        terminal.start(command)
        #expect(terminal.waitFor("redline>"), "no prompt: \(terminal.screen())")
        terminal.type("define twice(n) =")
        terminal.press("Enter")
        #expect(terminal.waitFor("..>"))
        terminal.type("  n * 2")
        terminal.press("Enter")
        #expect(terminal.waitFor("added"), "\(terminal.screen())")
        terminal.press("C-d")
        let file = home.appendingPathComponent(".redline_history").path
        #expect(terminal.wait { _ in (try? String(contentsOfFile: file, encoding: .utf8))?.contains("define twice(n) =\n  n * 2") == true },
                "\((try? String(contentsOfFile: file, encoding: .utf8)) ?? "no history file")")

        let again = Terminal()
        defer { again.close() }
        again.start(command)
        #expect(again.waitFor("redline>"))
        // One Up: the whole definition, not its last line.
        again.press("Up")
        #expect(again.wait { $0.contains("redline> define twice(n) =") && $0.contains("  n * 2") }, "\(again.screen())")
        again.press("Enter")
        #expect(again.waitFor("added"), "\(again.screen())")
        again.type("twice(21)")
        again.press("Enter")
        #expect(again.waitFor("42"), "\(again.screen())")
    }

    /// After `:load`, Tab completes a file path with dots in it (`three-always.te` → the test file),
    /// not just the part after the last dot.
    @Test func tabCompletesFilePathsWithDots() throws {
        try #require(ReplTerminalTests.available, "tmux is needed for the terminal tests (.ci/run installs it)")
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("redline-history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: history) }
        let terminal = Terminal()
        defer { terminal.close() }
        terminal.start(command(history: history))
        #expect(terminal.waitFor("redline>"), "no prompt: \(terminal.screen())")
        terminal.type(":load Rules/three-always.te")
        terminal.press("Tab")
        #expect(terminal.waitFor(":load Rules/three-always.test.rl"), "\(terminal.screen())")
        terminal.press("Enter")
        #expect(terminal.waitFor("loaded Rules/three-always.test.rl"), "\(terminal.screen())")
    }

    @Test func ctrlCInterruptsALongEvaluation() throws {
        try #require(ReplTerminalTests.available, "tmux is needed for the terminal tests (.ci/run installs it)")
        let folder = try EngineSupport.folder([:])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generator = Process()
        generator.executableURL = Support.redlineBinary.deletingLastPathComponent().appendingPathComponent("redline-gen")
        generator.arguments = ["--enterprises", "3000", "--seed", "1", "--out", folder]
        try generator.run()
        generator.waitUntilExit()
        let history = folder + "/history"
        let terminal = Terminal()
        defer { terminal.close() }
        terminal.start(command(history: history, data: folder))
        #expect(terminal.waitFor("redline>"))
        // About 225 million comparisons: far longer than the test waits.
        terminal.type("count a in hazards where (count b in hazards where b.category == a.category) > 1")
        terminal.press("Enter")
        Thread.sleep(forTimeInterval: 1.0)
        let started = Date()
        terminal.press("C-c")
        #expect(terminal.waitFor("interrupted", timeout: 10), "\(terminal.screen())")
        #expect(Date().timeIntervalSince(started) < 5)
        terminal.type("1 + 1")
        terminal.press("Enter")
        #expect(terminal.wait { $0.contains("1 + 1\n2") }, "\(terminal.screen())")
    }

    @Test func scriptedInputWithoutATerminal() throws {
        let ok = try Support.run(["repl", "Rules/three-always.rl", "--data", "Rules/sample", "--as-of", "2024-06-30"],
                                 stdin: "count e in enterprises\n:as-of 2024-01-01\ntoday\n")
        #expect(ok.status == 0)
        #expect(ok.stdout == "12\nas of 2024-01-01\n2024-01-01\n")
        let failing = try Support.run(["repl"], stdin: "1 +\n\n2\n")
        #expect(failing.status == 1)
        #expect(failing.stdout == "2\n")
        #expect(failing.stderr.contains("error: expected an expression, found end of file"))
    }
}
