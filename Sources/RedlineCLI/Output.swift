import ArgumentParser
import Foundation
import Redline

/// Everything the command line writes goes through here, by write(2): Foundation's
/// `FileHandle.write(_: Data)` traps on a full disk, and `print` hides write errors.
/// Standard output: a closed pipe ends the command quietly (exit 0, as `head` expects), and any
/// other failure (a full disk, an I/O error) is reported and exits 1. `--output` files are
/// written beside the target and renamed into place, and never replace what the run reads.
enum Output {
    /// Diagnostics and summaries, to standard error; if even that fails there is nowhere left to say so.
    static func error(_ text: String) {
        _ = writeAll(2, Array(text.utf8))
    }

    static func write(_ text: String) {
        write(bytes: Array(text.utf8))
    }

    static func write(bytes: [UInt8]) {
        let failure = writeAll(1, bytes)
        guard failure != 0 else { return }
        if failure == EPIPE { exit(0) }
        error("redline: cannot write to standard output: \(String(cString: strerror(failure)))\n")
        exit(1)
    }

    /// Writes every byte, retrying interrupted and partial writes; returns 0 or the errno. With
    /// `start`, at that offset of the file (pwrite: several threads may write one file), else
    /// where the descriptor stands (a pipe, a terminal).
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], at start: Int? = nil) -> Int32 {
        bytes.withUnsafeBytes { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < buffer.count {
                let written = start.map { pwrite(descriptor, base + offset, buffer.count - offset, off_t($0 + offset)) }
                    ?? Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if written == 0 { return EIO }
                offset += written
            }
            return 0
        }
    }

    /// Reads rule files; an unreadable path is a usage error (exit 2).
    static func readRuleFiles(_ paths: [String]) throws -> [RuleSource] {
        try paths.map { path in
            if FileManager.default.fileExists(atPath: path), !InputFile.isRegular(path) {
                error("redline: `\(path)` is not a regular file (a pipe, device or folder); give a rule file\n")
                throw ExitCode(2)
            }
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

    /// Refuses an `--output` target that is not a regular file (a device, a folder, a FIFO, a
    /// symbolic link, which the rename would replace) or that is one of the files the run reads
    /// (by device and inode, so another path to the same file is caught too). Usage errors, exit 2.
    /// Returns the permissions to keep, when the target exists.
    @discardableResult
    static func checkOutputTarget(_ path: String, reads inputs: [String]) throws -> mode_t? {
        var target = stat()
        guard lstat(path, &target) == 0 else { return nil }
        guard target.st_mode & S_IFMT == S_IFREG else {
            error("redline: --output `\(path)` exists and is not a regular file (a folder, device, pipe or link); name a new or regular file\n")
            throw ExitCode(2)
        }
        for input in inputs {
            var read = stat()
            if stat(input, &read) == 0, read.st_dev == target.st_dev, read.st_ino == target.st_ino {
                let same = path == input ? "a file" : "`\(input)`, a file"
                error("redline: --output `\(path)` is \(same) this run reads; write the report to another file\n")
                throw ExitCode(2)
            }
        }
        return target.st_mode & 0o7777
    }

    /// Writes the pieces (all in memory already) to a new file beside the target, each at its
    /// place and several at once (the kernel's copy of a quarter of a gigabyte into the page
    /// cache takes a core for a quarter of a second), then renames it over the target: a failed
    /// write never leaves a half-written report, and an existing target keeps its permissions.
    static func writeAtomically(parts: inout [[UInt8]], to path: String, reads inputs: [String]) throws {
        let taken = parts
        parts = []
        try writeAtomically(to: path, reads: inputs) { descriptor in
            var starts: [Int] = [0]
            for part in taken { starts.append(starts[starts.count - 1] + part.count) }
            let offsets = starts
            let failures = WriteFailures()
            DispatchQueue.concurrentPerform(iterations: taken.count) { index in
                let code = writeAll(descriptor, taken[index], at: offsets[index])
                if code != 0 { failures.note(code) }
            }
            if let code = failures.first { throw WriteFailure(code: code) }
        }
    }

    /// The first errno of writes made on several threads.
    final class WriteFailures: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var first: Int32? = nil
        func note(_ code: Int32) {
            lock.lock(); defer { lock.unlock() }
            if first == nil { first = code }
        }
    }

    /// A write failed: its errno, already set aside.
    struct WriteFailure: Error { let code: Int32 }

    /// Writes what `produce` hands its writer, piece by piece, to a new file renamed over `path`
    /// when complete; on any failure the file at `path` is left as it was.
    static func writeAtomically(to path: String, reads inputs: [String], produce: ((([UInt8]) throws -> Void)) throws -> Void) throws {
        try writeAtomically(to: path, reads: inputs) { (descriptor: Int32) in
            try produce { bytes in
                let code = writeAll(descriptor, bytes)
                if code != 0 { throw WriteFailure(code: code) }
            }
        }
    }

    /// Hands `produce` a new file's descriptor to write, then renames the file over `path`; on
    /// any failure the file at `path` is left as it was.
    static func writeAtomically(to path: String, reads inputs: [String], produce: (Int32) throws -> Void) throws {
        let keptMode = try checkOutputTarget(path, reads: inputs)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            error("redline: cannot write `\(path)`: \(String(cString: strerror(errno)))\n")
            throw ExitCode(1)
        }
        var failure: Int32 = 0
        if let keptMode, fchmod(descriptor, keptMode) != 0 { failure = errno }
        if failure == 0 {
            do {
                try produce(descriptor)
            } catch let stopped as WriteFailure {
                failure = stopped.code
            } catch {
                close(descriptor)
                unlink(temporary)
                throw error
            }
        }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        // rename(2) replaces the target in one step: readers see the old report or the new one.
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            error("redline: cannot write `\(path)`: \(String(cString: strerror(failure))); it is left as it was\n")
            throw ExitCode(1)
        }
    }
}
