/// The checked form of an expression: names resolved to slots, columns and functions, every node
/// typed. Definitions are expanded in place (they cannot recurse), so each call site is checked
/// with its own argument types. The planner turns this into closures.
struct Bound: Sendable {
    let kind: BoundKind
    let type: RType
    let span: SourceSpan
    let source: SourceFile?
}

indirect enum BoundKind: Sendable {
    case constant(Value)
    case today
    /// A variable: the subject, a quantifier's element or a definition's argument.
    case local(slot: Int, name: String)
    /// Every record of a table.
    case tableRows(table: Int)
    /// A column of a record.
    case column(Bound, table: Int, column: Int)
    /// Following a reference column to the record it names.
    case forward(Bound, table: Int, column: Int, target: Int)
    /// The records of another table that reference this one.
    case reverse(Bound, table: Int, column: Int)
    case list([Bound])
    case negate(Bound)
    case not(Bound)
    case arithmetic(BinaryOperator, Bound, Bound)
    case compare(BinaryOperator, Bound, Bound)
    case and(Bound, Bound)
    case or(Bound, Bound)
    case isMissing(Bound, negated: Bool)
    case membership(Bound, Bound, negated: Bool)
    case call(Builtin, [Bound])
    /// A function the host registered (`Program.compile(_:functions:)`).
    case hostCall(HostFunction, [Bound])
    /// A definition's arguments evaluated into slots, then its body (which reads the slots).
    case definition(name: String, arguments: [(slot: Int, value: Bound)], body: Bound)
    case quantifier(Quantifier, slot: Int, name: String, collection: Bound, condition: Bound)
    case aggregate(Aggregate, slot: Int, name: String, collection: Bound, value: Bound?, filter: Bound?)
    case template([BoundTemplatePart])
    /// An error already reported; never planned.
    case error
}

enum BoundTemplatePart: Sendable {
    case literal(String)
    case value(Bound)
}

extension Bound {
    static func error(_ span: SourceSpan, _ source: SourceFile?) -> Bound {
        Bound(kind: .error, type: .error, span: span, source: source)
    }

    /// Whether any node below is an error (such expressions are not planned).
    var containsError: Bool {
        var found = false
        visit { if case .error = $0.kind { found = true } }
        return found
    }

    /// Whether this node loops over rows or hands its work to the host (a quantifier, an
    /// aggregate, a table's or a record's rows, a host function): what a precomputation per row
    /// or a bound on the steps cannot see through.
    var runsLoop: Bool {
        switch kind {
        case .quantifier, .aggregate, .tableRows, .reverse, .hostCall: return true
        default: return false
        }
    }

    /// Calls `body` on this node and every node below it, parents first.
    func visit(_ body: (Bound) -> Void) {
        body(self)
        switch kind {
        case .constant, .today, .local, .tableRows, .error: break
        case .column(let b, _, _), .forward(let b, _, _, _), .reverse(let b, _, _), .negate(let b), .not(let b),
             .isMissing(let b, _):
            b.visit(body)
        case .list(let items), .call(_, let items), .hostCall(_, let items):
            for item in items { item.visit(body) }
        case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b),
             .membership(let a, let b, _):
            a.visit(body)
            b.visit(body)
        case .definition(_, let arguments, let inner):
            for argument in arguments { argument.value.visit(body) }
            inner.visit(body)
        case .quantifier(_, _, _, let collection, let condition):
            collection.visit(body)
            condition.visit(body)
        case .aggregate(_, _, _, let collection, let value, let filter):
            collection.visit(body)
            value?.visit(body)
            filter?.visit(body)
        case .template(let parts):
            for case .value(let b) in parts { b.visit(body) }
        }
    }
}
