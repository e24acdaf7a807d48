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

    var span: SourceSpan {
        switch self {
        case .table(let d): return d.span
        case .actions(let d): return d.span
        case .define(let d): return d.span
        case .rule(let d): return d.span
        }
    }
}

/// `table hazards key id { id: text, enterprise_id: text -> enterprises, … }`
struct TableDecl: Sendable {
    let name: Name
    let key: Name?
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
