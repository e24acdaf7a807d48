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
                FileHandle.standardError.write(Data("redline-fuzz: cannot read \(path)\n".utf8))
                exit(2)
            }
            FuzzCase.run([UInt8](data))
            print("ok \(path)")
        }
    }
}
#endif
