import ArgumentParser
import Foundation
import Redline

/// Entry point: exit codes are 0 success, 1 errors in rules or data, 2 usage.
@main
enum Main {
    static func main() {
        // A closed pipe (`redline run … | head`) is an error from write(2), handled in Output,
        // not a signal that ends the process.
        signal(SIGPIPE, SIG_IGN)
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
                Output.write(message + "\n")
                Foundation.exit(0)
            }
            Output.error(message + "\n")
            Foundation.exit(2)
        }
    }
}

struct RedlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redline",
        abstract: "Redline: work-safety policies as rules over enterprise data.",
        version: RedlineVersion.description,
        subcommands: [CheckCommand.self, EvalCommand.self, RunCommand.self, ExplainCommand.self, QueryCommand.self, ReplCommand.self, TestCommand.self, SQLCommand.self,
                      VersionCommand.self]
    )
}

/// `redline version`, as `redline --version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version and the built-in calendar's years.")
    func run() { Output.write(RedlineVersion.description + "\n") }
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
