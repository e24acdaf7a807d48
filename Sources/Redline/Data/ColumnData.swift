import Foundation

/// One loaded column, stored by type so that evaluation reads plain arrays:
/// dates are day numbers, text is interned ids, missing is a sentinel or a flag.
enum ColumnData: @unchecked Sendable {
    /// Interned ids (`-1` = missing) into the pool.
    case text([Int32], TextPool)
    case int([Int64], missing: [Bool])
    case decimal([DecimalNumber?])
    /// Day numbers; `Int32.min` = missing.
    case date([Int32])
    /// 0 false, 1 true, 2 missing.
    case bool([UInt8])
    case duration([Duration?])
    /// A reference resolved while loading: the referenced row (`-1` = missing), shown as that
    /// row's key.
    indirect case reference([Int32], key: ColumnData)

    static let missingDate = Int32.min
    static let missingBool: UInt8 = 2

    var count: Int {
        switch self {
        case .text(let ids, _): return ids.count
        case .int(let values, _): return values.count
        case .decimal(let values): return values.count
        case .date(let values): return values.count
        case .bool(let values): return values.count
        case .duration(let values): return values.count
        case .reference(let rows, _): return rows.count
        }
    }

    /// The value of a row as the generic evaluator sees it.
    @inline(__always)
    func value(_ row: Int) -> Value {
        switch self {
        case .text(let ids, let pool):
            let id = ids[row]
            return id < 0 ? .missing : .text(pool.string(id))
        case .int(let values, let missing): return missing[row] ? .missing : .int(values[row])
        case .decimal(let values): return values[row].map(Value.decimal) ?? .missing
        case .date(let values):
            let day = values[row]
            return day == ColumnData.missingDate ? .missing : .date(day)
        case .bool(let values):
            let b = values[row]
            return b == ColumnData.missingBool ? .missing : .bool(b == 1)
        case .duration(let values): return values[row].map(Value.duration) ?? .missing
        case .reference(let rows, let key):
            let target = rows[row]
            return target < 0 ? .missing : key.value(Int(target))
        }
    }

    func isMissing(_ row: Int) -> Bool {
        switch self {
        case .text(let ids, _): return ids[row] < 0
        case .int(_, let missing): return missing[row]
        case .decimal(let values): return values[row] == nil
        case .date(let values): return values[row] == ColumnData.missingDate
        case .bool(let values): return values[row] == ColumnData.missingBool
        case .duration(let values): return values[row] == nil
        case .reference(let rows, _): return rows[row] < 0
        }
    }

    /// Keeps only the rows listed (used to drop bad rows in lenient loading).
    func selecting(_ rows: [Int]) -> ColumnData {
        switch self {
        case .text(let ids, let pool): return .text(rows.map { ids[$0] }, pool)
        case .int(let values, let missing): return .int(rows.map { values[$0] }, missing: rows.map { missing[$0] })
        case .decimal(let values): return .decimal(rows.map { values[$0] })
        case .date(let values): return .date(rows.map { values[$0] })
        case .bool(let values): return .bool(rows.map { values[$0] })
        case .duration(let values): return .duration(rows.map { values[$0] })
        case .reference(let targets, let key): return .reference(rows.map { targets[$0] }, key: key)
        }
    }
}

/// The line of its file each row of a table starts on. A register keeps one record per line
/// with nothing between them, so row r is on line `first + r`: then no list is kept (a list
/// of ten million rows is 40 MB to write, and to read back only for a message).
struct LineNumbers: Sendable {
    let count: Int
    private let first: Int32
    private let listed: [Int32]?

    init(_ lines: [Int32]) { (count, first, listed) = (lines.count, 0, lines) }

    init(consecutiveFrom first: Int32, count: Int) { (self.count, self.first, listed) = (count, first, nil) }

    subscript(row: Int) -> Int32 {
        if let listed { return listed[row] }
        return first &+ Int32(truncatingIfNeeded: row)
    }

    /// The lines of the rows kept, in their order.
    func selecting(_ rows: [Int]) -> LineNumbers { LineNumbers(rows.map { self[$0] }) }
}

/// A loaded table: typed columns, the line each row came from, and its indexes.
final class TableData: @unchecked Sendable {
    let index: Int
    let name: String
    /// The file the rows came from (as given), its SHA-256 computed on demand from `bytesForHash`.
    let file: String
    let rowCount: Int
    var columns: [ColumnData]
    /// The line of the file each row starts on (for error messages and explanations).
    let lines: LineNumbers
    /// Row numbers in key order (nil when the file is already in key order).
    var keyOrder: [Int32]?
    /// For tables that are referenced: key id (in the key column's pool) → row.
    var rowByKeyId: [Int32] = []
    /// Per reference column: the referenced row of each row (`-1` = missing).
    var forward: [Int: [Int32]] = [:]
    /// Per referencing (table, column): CSR lists of referencing rows per row of this table.
    var reverse: [ReverseReference: ReverseIndex] = [:]
    /// Keys of rows skipped while reading (ragged rows), so references to them are not reported twice.
    var skippedKeys: Set<String> = []

    init(index: Int, name: String, file: String, columns: [ColumnData], lines: LineNumbers) {
        self.index = index
        self.name = name
        self.file = file
        self.columns = columns
        self.lines = lines
        self.rowCount = lines.count
    }

    /// Rows in key order.
    func orderedRows() -> [Int32] {
        keyOrder ?? (0..<Int32(rowCount)).map { $0 }
    }
}

/// Compressed lists: the rows referencing row `r` are `rows[offsets[r]..<offsets[r + 1]]`.
struct ReverseIndex: Sendable {
    /// The lists in memory of their own, made once, which the evaluation loop reads without
    /// reference counting or copying per plan.
    let block: RowBlock

    init(_ block: RowBlock) { self.block = block }

    /// The rows referencing `row`, a slice of `rows` (an array of all the lists, made once).
    func referencing(_ row: Int32, in rows: [Int32]) -> ArraySlice<Int32> {
        let positions = block.positions(of: Int(row))
        guard positions.upperBound <= rows.count else { return [] }
        return rows[positions]
    }
}

/// Offsets and rows of a backward reference in owned memory (freed with the dataset).
final class RowBlock: @unchecked Sendable {
    let offsets: UnsafeMutablePointer<Int32>
    let rows: UnsafeMutablePointer<Int32>
    let offsetCount: Int
    let rowCount: Int

    init(offsets: [Int32], rows: [Int32]) {
        offsetCount = offsets.count
        rowCount = rows.count
        self.offsets = RowBlock.copy(offsets)
        self.rows = RowBlock.copy(rows)
    }

    /// Where the rows referencing `target` lie in `rows` (empty for a row out of range).
    @inline(__always)
    func positions(of target: Int) -> Range<Int> {
        guard target >= 0, target + 1 < offsetCount else { return 0..<0 }
        let start = Int(offsets[target]), end = Int(offsets[target + 1])
        return start..<max(start, end)
    }

    /// Takes memory already filled (allocated with `allocate`; freed here).
    init(offsets: UnsafeMutablePointer<Int32>, offsetCount: Int, rows: UnsafeMutablePointer<Int32>, rowCount: Int) {
        self.offsets = offsets
        self.offsetCount = offsetCount
        self.rows = rows
        self.rowCount = rowCount
    }

    static func copy(_ array: [Int32]) -> UnsafeMutablePointer<Int32> {
        let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: max(array.count, 1))
        array.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { pointer.initialize(from: base, count: buffer.count) }
        }
        return pointer
    }

    private let arrayLock = NSLock()
    private var array: [Int32]? = nil

    /// The rows as an array, made the first time one is asked for: the plans that make lists of
    /// them (aggregates, list values) take slices of it, with no array made per subject. Most
    /// runs never ask (quantifiers read `rows` directly), and hold no second copy.
    var rowsArray: [Int32] {
        arrayLock.lock()
        defer { arrayLock.unlock() }
        if let array { return array }
        let made = Array(UnsafeBufferPointer(start: rows, count: rowCount))
        array = made
        return made
    }

    deinit {
        offsets.deallocate()
        rows.deallocate()
    }
}
