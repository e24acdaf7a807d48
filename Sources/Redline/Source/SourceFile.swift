/// A rule file's text, decoded once into Unicode scalars, with a table of line starts.
///
/// Offsets everywhere in the interpreter are scalar offsets into `scalars`; line and column are
/// computed on demand, with columns counted in Characters as people see them.
final class SourceFile: Sendable {
    /// The name used in diagnostics (usually the path as the user typed it).
    public let name: String
    let scalars: [Unicode.Scalar]
    /// Scalar offset of the first character of each line.
    let lineStarts: [Int]
    /// Scalar offsets where the original bytes were not valid UTF-8 (each became U+FFFD).
    let invalidUTF8Offsets: [Int]

    /// Creates a source from text already decoded.
    public convenience init(name: String, text: String) {
        self.init(name: name, scalars: Array(text.unicodeScalars), invalid: [])
    }

    /// Creates a source from raw bytes; invalid UTF-8 is replaced and remembered for a diagnostic.
    public convenience init(name: String, bytes: [UInt8]) {
        var body = bytes[...]
        // A UTF-8 byte order mark is what Windows editors write; it is not part of the text.
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(body.count)
        var invalid: [Int] = []
        var decoder = UTF8()
        var iterator = body.makeIterator()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break decoding
            case .error:
                invalid.append(scalars.count)
                scalars.append("\u{FFFD}")
            }
        }
        self.init(name: name, scalars: scalars, invalid: invalid)
    }

    init(name: String, scalars: [Unicode.Scalar], invalid: [Int]) {
        self.name = name
        self.scalars = scalars
        self.invalidUTF8Offsets = invalid
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// The whole text.
    public var text: String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// 1-based line number containing `offset`.
    func line(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// The text of a 1-based line, without its line break.
    func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : scalars.count
        while end > start, scalars[end - 1] == "\n" || scalars[end - 1] == "\r" { end -= 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// 1-based line and column (in Characters) of a scalar offset.
    func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, scalars.count))
        let line = line(of: clamped)
        let start = lineStarts[line - 1]
        let prefix = String(String.UnicodeScalarView(scalars[start..<clamped]))
        return SourceLocation(line: line, column: prefix.count + 1)
    }

    /// The text of a span.
    func text(of span: SourceSpan) -> String {
        let start = max(0, min(span.start, scalars.count))
        let end = max(start, min(span.end, scalars.count))
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}

/// A 1-based line and column; columns count Characters, not bytes.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public let line: Int
    /// 1-based column, counted in Characters.
    public let column: Int
    /// `12:5`.
    public var description: String { "\(line):\(column)" }
}

/// A half-open range of scalar offsets in one source file.
struct SourceSpan: Sendable, Hashable {
    var start: Int
    var end: Int

    static let none = SourceSpan(start: 0, end: 0)

    /// The smallest span covering both.
    func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }
}
