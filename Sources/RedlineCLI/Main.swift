import ArgumentParser
import Foundation
import Redline

/// Entry point: exit codes are 0 success, 1 errors in rules or data, 2 usage.
@main
enum Main {
    static func main() {
        do {
            // `redline` alone on a terminal opens the REPL.
            let arguments = Array(CommandLine.arguments.dropFirst())
            var command = try RedlineCommand.parseAsRoot(arguments.isEmpty && isatty(0) != 0 && isatty(1) != 0 ? ["repl"] : arguments)
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = RedlineCommand.exitCode(for: error)
            let message = RedlineCommand.fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

struct RedlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redline",
        abstract: "Redline: work-safety policies as rules over enterprise data.",
        subcommands: [CheckCommand.self, EvalCommand.self, RunCommand.self, ExplainCommand.self, QueryCommand.self, ReplCommand.self, TestCommand.self]
    )
}

/// Options shared by commands that print diagnostics.
struct DiagnosticOptions: ParsableArguments {
    @Option(help: "Language of messages: en or zh (default: zh when LANG starts with zh).")
    var lang: String?

    var language: Language {
        if let lang { return lang.hasPrefix("zh") ? .zh : .en }
        let environment = ProcessInfo.processInfo.environment
        let locale = environment["LC_ALL"] ?? environment["LC_MESSAGES"] ?? environment["LANG"] ?? ""
        return locale.hasPrefix("zh") ? .zh : .en
    }

    func validate() throws {
        if let lang, !["en", "zh"].contains(where: { lang.hasPrefix($0) }) {
            throw ValidationError("--lang must be en or zh")
        }
    }
}

enum Output {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Reads rule files; an unreadable path is a usage error (exit 2).
    static func readRuleFiles(_ paths: [String]) throws -> [RuleSource] {
        try paths.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                error("redline: cannot read `\(path)`: no such file, or not readable\n")
                throw ExitCode(2)
            }
            return RuleSource(name: path, bytes: [UInt8](data))
        }
    }

    static func parseDate(_ text: String?, option: String) throws -> CalendarDate {
        guard let text else { return CalendarDate.today() }
        guard let date = CalendarDate(iso: text) else {
            throw ValidationError("\(option) needs a real date written YYYY-MM-DD, not `\(text)`")
        }
        return date
    }
}
