/// What the declarations say: tables with typed columns and references, the action vocabulary.
/// Built once by the checker; the planner and the data loader read it by index, not by name.
struct Schema: Sendable {
    var tables: [TableSchema] = []
    var tableIndex: [String: Int] = [:]
    /// Actions, weakest first; the index is the severity.
    var actions: [String] = []
    var actionIndex: [String: Int] = [:]

    func table(named name: String) -> TableSchema? {
        tableIndex[name].map { tables[$0] }
    }
}

struct TableSchema: Sendable {
    let index: Int
    let name: String
    var columns: [ColumnSchema] = []
    var columnIndex: [String: Int] = [:]
    /// Index of the key column (the first column when no key is declared).
    var keyColumn: Int = 0
    /// The column reports show beside the key (`label name`), if declared.
    var labelColumn: Int? = nil
    /// `h.enterprise`: forward navigation name → reference column.
    var forward: [String: Int] = [:]
    /// `e.hazards`: reverse navigation name → (referencing table, its reference column).
    var reverse: [String: ReverseReference] = [:]
    let declaration: TableDecl
    let source: SourceFile

    /// All names that may follow `.` on a record of this table.
    var memberNames: [String] { columns.map(\.name) + Array(forward.keys) + Array(reverse.keys) }
}

struct ColumnSchema: Sendable {
    let name: String
    let type: RType
    let optional: Bool
    /// The referenced table, for `-> table` columns.
    var target: Int?
}

struct ReverseReference: Sendable, Hashable {
    let table: Int
    let column: Int
}
