/// A parsed rule file: its source and its declarations in order.
struct SourceUnit: Sendable {
    let source: SourceFile
    let declarations: [Declaration]
}

enum Declaration: Sendable {
    case table(TableDecl)
    case actions(ActionsDecl)
    case define(DefineDecl)
    case rule(RuleDecl)
    case test(TestDecl)

    var span: SourceSpan {
        switch self {
        case .table(let d): return d.span
        case .actions(let d): return d.span
        case .define(let d): return d.span
        case .rule(let d): return d.span
        case .test(let d): return d.span
        }
    }
}

/// `table hazards key id { id: text, enterprise_id: text -> enterprises, … }`
struct TableDecl: Sendable {
    let name: Name
    let key: Name?
    /// `label COLUMN`: shown beside the key in reports and explanations.
    var label: Name? = nil
    let columns: [ColumnDecl]
    let span: SourceSpan
}

struct ColumnDecl: Sendable {
    let name: Name
    let type: TypeRef
    let reference: ReferenceDecl?
}

/// A column type as written: `date`, `date?`.
struct TypeRef: Sendable {
    let name: Name
    let optional: Bool
    let span: SourceSpan
}

/// `-> enterprises [as enterprise]`
struct ReferenceDecl: Sendable {
    let table: Name
    let navigation: Name?
}

/// `actions suspend < close < refer`: the vocabulary, weakest first.
struct ActionsDecl: Sendable {
    let names: [Name]
    let span: SourceSpan
}

/// `define unrectified(h, on) = …`
struct DefineDecl: Sendable {
    let name: Name
    let parameters: [Parameter]
    let body: Expr
    let span: SourceSpan
}

struct Parameter: Sendable {
    let name: Name
    let type: TypeRef?
}

/// `rule NAME "policy" for e in enterprises when … then ACTION e because "…"`
struct RuleDecl: Sendable {
    let name: Name
    let policy: String?
    let subject: Binding
    let condition: Expr
    let action: Name
    let actionSubject: Name
    let message: Expr?
    let span: SourceSpan
}

/// `test "name" as of DATE given TABLE (cols) (row) … expect SUBJECT OUTCOME … cases (vars) (row) …`
struct TestDecl: Sendable {
    let name: String
    let nameSpan: SourceSpan
    let asOf: Int32?
    let givens: [GivenDecl]
    /// `given data "DIR"`: the tables come from a data folder (relative to the test's file).
    let dataFolder: String?
    /// `given calendar "FILE"` (relative to the test's file) or `given calendar none`
    /// (`noCalendar`); nil: the calendar the tests run with.
    let calendar: String?
    let expects: [ExpectDecl]
    let cases: GivenDecl?
    let span: SourceSpan
}

extension TestDecl {
    /// `calendar` for `given calendar none`: Monday to Friday.
    static let noCalendar = "\u{0}none"
}

/// Rows for a table (or, for `cases`, values for case variables), by the named columns.
struct GivenDecl: Sendable {
    let table: Name
    let columns: [Name]
    let rows: [[TestValue]]
}

/// `expect E1 close by close_overdue evidence H1, H2`, `expect E2 none`, `expect E3 undetermined`.
struct ExpectDecl: Sendable {
    let subject: TestValue
    /// An action, `none`, `undetermined`, or a case variable holding one of them.
    let outcome: TestValue
    let rule: Name?
    let evidence: [TestValue]?
    let span: SourceSpan
}

/// A value in a test: a literal, or a bare word (a case variable, else text).
enum TestValue: Sendable {
    case literal(Value, SourceSpan)
    case word(Name)
}
