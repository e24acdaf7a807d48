/// Expressions, by precedence from loosest to tightest (Grammar.md has the table):
/// quantifiers and aggregates (their `where` reaches to the end), `or`, `and`, `not`,
/// comparisons / `in` / `is`, `+ -`, `* /`, unary `-`, member access and calls, primaries.
extension Parser {
    mutating func parseExpression() throws(Abort) -> Expr {
        try enterNesting()
        defer { depth -= 1 }
        return try parseOr()
    }

    /// Builds a binary node, bounding the tree's height (long operator chains build deep trees).
    private mutating func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr) throws(Abort) -> Expr {
        let result = node(.binary(op, left, right), left.span.union(right.span), children: [left, right])
        if result.height > Parser.maxLevels { throw tooDeep(at: right.span) }
        return result
    }

    private mutating func parseOr() throws(Abort) -> Expr {
        var left = try parseAnd()
        while match(.or) {
            let right = try parseAnd()
            left = try binary(.or, left, right)
        }
        return left
    }

    private mutating func parseAnd() throws(Abort) -> Expr {
        var left = try parseNot()
        while match(.and) {
            let right = try parseNot()
            left = try binary(.and, left, right)
        }
        return left
    }

    private mutating func parseNot() throws(Abort) -> Expr {
        if check(.not) {
            let keyword = advance()
            try enterNesting()
            defer { depth -= 1 }
            let operand = try parseNot()
            return node(.unary(.not, operand), keyword.span.union(operand.span), children: [operand])
        }
        return try parseComparison()
    }

    private func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .equalEqual: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .equal: return .equal
        default: return nil
        }
    }

    private mutating func parseComparison() throws(Abort) -> Expr {
        let left = try parseAdditive()
        if let op = comparisonOperator() {
            if check(.equal) {
                // Policy staff write `=`; say what is meant, read it as `==` and go on.
                diagnostics.append(Diagnostic(.error, Catalog.singleEqualInExpression, at: current.span, in: source,
                                              hint: Catalog.singleEqualHint))
            }
            _ = advance()
            let right = try parseAdditive()
            let result = try binary(op, left, right)
            if comparisonOperator() != nil {
                throw fail(expected: Catalog.endOfComparison, hint: Catalog.chainedComparisonHint)
            }
            return result
        }
        if check(.is) {
            _ = advance()
            let negated = match(.not)
            let negatedWord = check(.present)
            guard match(.missing) || match(.present) else {
                throw fail(expected: Catalog.missingOrPresent)
            }
            return node(.isMissing(left, negated: negated != negatedWord), left.span.union(previous.span), children: [left])
        }
        if check(.in) || (check(.not) && peek(1).keyword == .in) {
            let negated = match(.not)
            _ = advance()
            let right = try parseAdditive()
            return node(.membership(left, right, negated: negated), left.span.union(right.span), children: [left, right])
        }
        return left
    }

    private mutating func parseAdditive() throws(Abort) -> Expr {
        var left = try parseMultiplicative()
        while check(.plus) || check(.minus) {
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            let right = try parseMultiplicative()
            left = try binary(op, left, right)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(Abort) -> Expr {
        var left = try parseUnary()
        while check(.star) || check(.slash) {
            let op: BinaryOperator = advance().kind == .star ? .multiply : .divide
            let right = try parseUnary()
            left = try binary(op, left, right)
        }
        return left
    }

    private mutating func parseUnary() throws(Abort) -> Expr {
        if check(.minus) {
            let minus = advance()
            try enterNesting()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return node(.unary(.negate, operand), minus.span.union(operand.span), children: [operand])
        }
        return try parsePostfix()
    }

    mutating func parsePostfix() throws(Abort) -> Expr {
        var expr = try parsePrimary()
        while true {
            if check(.dot) {
                _ = advance()
                let member = try expectName(Catalog.memberName)
                expr = node(.member(expr, member), expr.span.union(member.span), children: [expr])
                if expr.height > Parser.maxLevels { throw tooDeep(at: member.span) }
            } else if check(.leftParen), case .name(let name) = expr.kind {
                let open = advance()
                var arguments: [Expr] = []
                if !check(.rightParen) {
                    repeat { arguments.append(try parseExpression()) } while match(.comma)
                }
                let close = try expectCloser(.rightParen, for: open)
                expr = node(.call(Name(text: name, span: expr.span), arguments), expr.span.union(close.span), children: arguments)
            } else {
                return expr
            }
        }
    }

    mutating func parsePrimary() throws(Abort) -> Expr {
        let token = current
        switch token.kind {
        case .integer(let value):
            _ = advance()
            if let word = current.identifier, let unit = ContextualWord.durationUnits[word] {
                let unitToken = advance()
                return node(.duration(value, unit), token.span.union(unitToken.span))
            }
            return node(.integer(value), token.span)
        case .decimal(let value):
            _ = advance()
            return node(.decimal(value), token.span)
        case .date(let day):
            _ = advance()
            return node(.date(day), token.span)
        case .text(let pieces):
            _ = advance()
            return try parseTemplate(pieces, span: token.span)
        case .identifier(let name):
            _ = advance()
            return node(.name(name), token.span)
        case .keyword(.true), .keyword(.false):
            _ = advance()
            return node(.bool(token.keyword == .true), token.span)
        case .keyword(.today):
            _ = advance()
            return node(.today, token.span)
        case .keyword(.missing):
            _ = advance()
            return node(.missing, token.span)
        case .keyword(.some), .keyword(.all), .keyword(.none):
            return try parseQuantifier()
        case .keyword(.count), .keyword(.sum), .keyword(.min), .keyword(.max):
            return try parseAggregate()
        case .leftParen:
            let open = advance()
            let inner = try parseExpression()
            let close = try expectCloser(.rightParen, for: open)
            // The parentheses belong to the span, so carets cover what the user wrote.
            return Expr(id: inner.id, span: open.span.union(close.span), kind: inner.kind, height: inner.height)
        case .leftBracket:
            let open = advance()
            var elements: [Expr] = []
            if !check(.rightBracket) {
                repeat {
                    if check(.rightBracket) { break }
                    elements.append(try parseExpression())
                } while match(.comma)
            }
            let close = try expectCloser(.rightBracket, for: open)
            return node(.list(elements), open.span.union(close.span), children: elements)
        case .invalid:
            _ = advance()
            throw Abort()
        default:
            throw fail(expected: Catalog.anExpression)
        }
    }

    /// `some h in e.hazards where COND`
    private mutating func parseQuantifier() throws(Abort) -> Expr {
        let keyword = advance()
        let quantifier: Quantifier = keyword.keyword == .some ? .some : keyword.keyword == .all ? .all : .none
        let binding = try parseBinding()
        guard match(.where) else { throw fail(expected: Catalog.keyword(.where), hint: Catalog.quantifierWhereHint) }
        let condition = try parseExpression()
        return node(.quantifier(quantifier, binding, condition: condition), keyword.span.union(condition.span),
                    children: [binding.collection, condition])
    }

    /// `count h in C [where P]` or `sum|min|max E for h in C [where P]`
    private mutating func parseAggregate() throws(Abort) -> Expr {
        let keyword = advance()
        let aggregate: Aggregate
        switch keyword.keyword {
        case .count: aggregate = .count
        case .sum: aggregate = .sum
        case .min: aggregate = .min
        default: aggregate = .max
        }
        var value: Expr? = nil
        if aggregate != .count {
            value = try parseAdditive()
            guard match(.for) else { throw fail(expected: Catalog.keyword(.for), hint: Catalog.aggregateForHint(keyword.keyword ?? .sum)) }
        }
        let binding = try parseBinding()
        var filter: Expr? = nil
        if match(.where) { filter = try parseExpression() }
        let end = filter?.span ?? binding.collection.span
        var children = [binding.collection]
        if let value { children.append(value) }
        if let filter { children.append(filter) }
        return node(.aggregate(aggregate, value: value, binding, filter: filter), keyword.span.union(end), children: children)
    }

    private mutating func parseBinding() throws(Abort) -> Binding {
        let variable = try expectName(Catalog.variableName)
        _ = try expect(.in)
        let collection = try parsePostfix()
        return Binding(variable: variable, collection: collection)
    }

    /// A text literal: interpolations are parsed by a parser over their own source range.
    private mutating func parseTemplate(_ pieces: [TextPiece], span: SourceSpan) throws(Abort) -> Expr {
        var parts: [TemplatePart] = []
        var children: [Expr] = []
        var failed = false
        for piece in pieces {
            switch piece {
            case .literal(let text):
                parts.append(.literal(text))
            case .interpolation(let inner):
                var sub = Parser(source: source, range: inner.start..<inner.end, firstId: nextId, depth: depth)
                let expr = sub.parseStandaloneExpression()
                nextId = sub.nextId
                diagnostics.append(contentsOf: sub.diagnostics)
                if let expr {
                    parts.append(.expr(expr))
                    children.append(expr)
                } else {
                    failed = true
                }
            }
        }
        if failed { return node(.error, span) }
        return node(.text(parts), span, children: children)
    }
}
