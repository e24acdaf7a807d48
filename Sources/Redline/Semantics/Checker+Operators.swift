/// Typing of operators: arithmetic (numbers, dates and durations), comparison, logic.
extension Checker {
    mutating func bindUnary(_ op: UnaryOperator, _ operand: Bound, _ expr: Expr, _ source: SourceFile) -> Bound {
        if operand.type == .error { return .error(expr.span, source) }
        switch op {
        case .not:
            requireBool(operand, Catalog.anOperand, in: source)
            return Bound(kind: .not(operand), type: .bool, span: expr.span, source: source)
        case .negate:
            guard operand.type.isNumeric || operand.type == .duration || operand.type == .any else {
                report(.error, Catalog.operandType("-", operand.type.name(in: schema)), at: expr.span, in: source)
                return .error(expr.span, source)
            }
            return Bound(kind: .negate(operand), type: operand.type, span: expr.span, source: source)
        }
    }

    mutating func bindBinary(_ op: BinaryOperator, _ left: Bound, _ right: Bound, _ expr: Expr, _ source: SourceFile) -> Bound {
        if left.type == .error || right.type == .error { return .error(expr.span, source) }
        func make(_ kind: BoundKind, _ type: RType) -> Bound { Bound(kind: kind, type: type, span: expr.span, source: source) }
        switch op {
        case .and, .or:
            requireBool(left, Catalog.anOperand, in: source)
            requireBool(right, Catalog.anOperand, in: source)
            return make(op == .and ? .and(left, right) : .or(left, right), .bool)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            if Checker.comparable(op, left.type, right.type) {
                return make(.compare(op, left, right), .bool)
            }
        case .add, .subtract, .multiply, .divide:
            if let type = Checker.arithmeticType(op, left.type, right.type) {
                return make(.arithmetic(op, left, right), type)
            }
        }
        let hint: LocalizedText? = (left.type == .date && right.type == .int) || (left.type == .int && right.type == .date)
            ? Catalog.daysHint : nil
        report(.error, Catalog.operatorTypes(op.rawValue, left.type.name(in: schema), right.type.name(in: schema)),
               at: expr.span, in: source, hint: hint)
        return .error(expr.span, source)
    }

    static func comparable(_ op: BinaryOperator, _ a: RType, _ b: RType) -> Bool {
        if op == .equal || op == .notEqual { return a.isComparable(with: b) }
        if a == .any || b == .any { return true }
        if a.isNumeric && b.isNumeric { return true }
        return a == b && (a == .date || a == .text || a == .duration)
    }

    /// The result type of `a op b`, or nil when the operator does not apply.
    static func arithmeticType(_ op: BinaryOperator, _ a: RType, _ b: RType) -> RType? {
        if a == .any || b == .any {
            // Only `date + duration` is sure to give a date; the rest is known at run time.
            return op == .add && (a == .date || b == .date) ? .date : .any
        }
        switch op {
        case .add:
            if a == .int && b == .int { return .int }
            if a.isNumeric && b.isNumeric { return .decimal }
            if (a == .date && b == .duration) || (a == .duration && b == .date) { return .date }
            if a == .duration && b == .duration { return .duration }
            if a == .text && b == .text { return .text }
        case .subtract:
            if a == .int && b == .int { return .int }
            if a.isNumeric && b.isNumeric { return .decimal }
            if a == .date && b == .duration { return .date }
            if a == .date && b == .date { return .int }
            if a == .duration && b == .duration { return .duration }
        case .multiply:
            if a == .int && b == .int { return .int }
            if a.isNumeric && b.isNumeric { return .decimal }
            if (a == .duration && b == .int) || (a == .int && b == .duration) { return .duration }
        case .divide:
            if a.isNumeric && b.isNumeric { return .decimal }
        default: break
        }
        return nil
    }
}
