import Foundation
import Testing

/// The hostile-input corpus: `Tests/Fixtures/hostile/CASE/` holds one case a regulator could meet
/// (a bad rule file, a damaged data file, an output target that must not be replaced) and the
/// exact outcome it must have. Each case folder has
///
/// - `args`: the `redline` arguments, one per line. `{rules}` is the repository's Rules folder,
///   `{case}` the case folder, `{data}` a fresh copy of Rules/sample with the case's `data/`
///   files laid over it, `{out}` an empty folder for outputs;
/// - `expected`: `exit N`, then `--- stdout` and `--- stderr` with the exact text (paths written
///   with the same placeholders), then `--- out/NAME` for each file the run left in `{out}`;
/// - optionally `data/` (files laid over the sample), `stdin`, and rule files.
///
/// Whatever the case, no input may change: every file of `{data}` and of the case folder is
/// compared, byte for byte, before and after. `REDLINE_RECORD=1` rewrites `expected` instead
/// (then read every change before committing it).
@Suite struct HostileCorpusTests {
    static let corpus = Support.fixtures.appendingPathComponent("hostile")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter {
            FileManager.default.fileExists(atPath: corpus.appendingPathComponent("\($0)/args").path)
        }.sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases)
    func hostileCase(_ name: String) throws {
        let fm = FileManager.default
        let folder = Self.corpus.appendingPathComponent(name)
        let scratch = fm.temporaryDirectory.appendingPathComponent("redline-corpus-\(UUID().uuidString)")
        let data = scratch.appendingPathComponent("data"), out = scratch.appendingPathComponent("out")
        try fm.createDirectory(at: data, withIntermediateDirectories: true)
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }
        for file in try fm.contentsOfDirectory(atPath: Support.root.appendingPathComponent("Rules/sample").path) {
            try fm.copyItem(at: Support.root.appendingPathComponent("Rules/sample/\(file)"), to: data.appendingPathComponent(file))
        }
        let overlay = folder.appendingPathComponent("data")
        for file in (try? fm.contentsOfDirectory(atPath: overlay.path)) ?? [] {
            let target = data.appendingPathComponent(file)
            // A file named `NAME.remove` takes NAME out of the sample (to use NAME.json instead).
            if file.hasSuffix(".remove") {
                try? fm.removeItem(at: data.appendingPathComponent(String(file.dropLast(".remove".count))))
                continue
            }
            try? fm.removeItem(at: target)
            try fm.copyItem(at: overlay.appendingPathComponent(file), to: target)
        }
        let places = [("{rules}", Support.root.appendingPathComponent("Rules").path), ("{case}", folder.path),
                      ("{data}", data.path), ("{out}", out.path)]
        func expand(_ text: String) -> String {
            places.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        }
        func placeholders(_ text: String) -> String {
            // Longest paths first, so the case folder is not taken for the Rules folder's parent.
            places.sorted { $0.1.count > $1.1.count }.reduce(text) { $0.replacingOccurrences(of: $1.1, with: $1.0) }
        }
        let arguments = try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }.map(expand)
        let stdin = try? String(contentsOf: folder.appendingPathComponent("stdin"), encoding: .utf8)
        let before = try Self.snapshot([data, folder])
        let result = try Support.run(arguments, stdin: stdin, directory: folder)

        var actual = "exit \(result.status)\n--- stdout\n\(placeholders(result.stdout))--- stderr\n\(Self.withoutTimings(placeholders(result.stderr)))"
        for file in try fm.contentsOfDirectory(atPath: out.path).sorted() {
            let bytes = try Data(contentsOf: out.appendingPathComponent(file))
            actual += "--- out/\(file)\n" + String(decoding: bytes, as: UTF8.self)
        }
        let expectedURL = folder.appendingPathComponent("expected")
        if Support.recording {
            try Data(actual.utf8).write(to: expectedURL)
        } else {
            let expected = try String(contentsOf: expectedURL, encoding: .utf8)
            #expect(actual == expected, "case \(name)")
        }
        let after = try Self.snapshot([data, folder])
        #expect(after == before, "case \(name) changed an input")
    }

    /// Times on standard error ("load 0.001 s") vary from run to run: they are compared as `N s`.
    static func withoutTimings(_ text: String) -> String {
        text.replacingOccurrences(of: #"[0-9]+\.[0-9]{3} s\b"#, with: "N s", options: .regularExpression)
    }

    /// Every regular file under the folders, with its bytes (the expected file aside).
    static func snapshot(_ folders: [URL]) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let path as String in walker where path != "expected" {
                let url = folder.appendingPathComponent(path)
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                    files[url.path] = try Data(contentsOf: url)
                }
            }
        }
        return files
    }
}
