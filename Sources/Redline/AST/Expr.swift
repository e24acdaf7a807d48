/// An expression node: an id (for tracing and type annotations), a source span and its kind.
struct Expr: Sendable {
    let id: Int
    let span: SourceSpan
    let kind: ExprKind
    /// Height of the tree below this node; the parser bounds it so later recursive phases cannot
    /// overflow the stack.
    let height: Int
}

/// A name as written, with its place.
struct Name: Sendable, Hashable {
    let text: String
    let span: SourceSpan
}

/// `h in e.hazards`: a variable bound to each element of a collection.
struct Binding: Sendable {
    let variable: Name
    let collection: Expr
}

indirect enum ExprKind: Sendable {
    case integer(Int64)
    case decimal(DecimalNumber)
    case date(Int32)
    case bool(Bool)
    case duration(Int64, DurationUnit)
    /// A text literal; interpolations are expressions.
    case text([TemplatePart])
    case name(String)
    case today
    /// The literal `missing` (unknown, in a condition).
    case missing
    case list([Expr])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `x is missing` (negated: `x is present`, `x is not missing`).
    case isMissing(Expr, negated: Bool)
    /// `x in [a, b]` (negated: `x not in …`).
    case membership(Expr, Expr, negated: Bool)
    /// `x.name`: a column, or a reference followed either way.
    case member(Expr, Name)
    case call(Name, [Expr])
    case quantifier(Quantifier, Binding, condition: Expr)
    /// `count h in C where P`, `sum E for h in C where P`.
    case aggregate(Aggregate, value: Expr?, Binding, filter: Expr?)
    /// A node the parser could not build; its error is already reported.
    case error
}

enum TemplatePart: Sendable {
    case literal(String)
    case expr(Expr)
}

enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not = "not"
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "and", or = "or"

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }

    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide: return true
        default: return false
        }
    }
}

enum Quantifier: String, Sendable {
    case some, all, none
}

enum Aggregate: String, Sendable {
    case count, sum, min, max
}
