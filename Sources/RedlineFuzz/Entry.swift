import Foundation

#if FUZZING
/// libFuzzer's entry (built with `--sanitize fuzzer`; see README, "Fuzzing").
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    FuzzCase.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
/// Outside a fuzzing build: `redline-fuzz FILE...` replays inputs (seeds, or crashes a fuzzer
/// found) through the same code, for a debugger or a regression test.
@main
enum Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                writeToStandardError("redline-fuzz: cannot read \(path)\n")
                exit(2)
            }
            FuzzCase.run([UInt8](data))
            print("ok \(path)")
        }
    }
}
#endif

/// A message on standard error through write(2) (`FileHandle.write(_:)` traps when a write fails).
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
