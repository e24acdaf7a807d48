/// Binding expressions: resolve each name, type each node, expand definitions.
extension Checker {
    mutating func bind(_ expr: Expr, _ env: Env, _ source: SourceFile) -> Bound {
        expandedNodes += 1
        if expandedNodes > Checker.maxExpansionNodes {
            if !expansionReported {
                report(.error, Catalog.expansionTooLarge(Checker.maxExpansionNodes), at: expr.span, in: source, hint: Catalog.tooDeepHint)
                expansionReported = true
            }
            return .error(expr.span, source)
        }
        func make(_ kind: BoundKind, _ type: RType) -> Bound { Bound(kind: kind, type: type, span: expr.span, source: source) }

        switch expr.kind {
        case .integer(let value): return make(.constant(.int(value)), .int)
        case .decimal(let value): return make(.constant(.decimal(value)), .decimal)
        case .date(let day): return make(.constant(.date(day)), .date)
        case .bool(let value): return make(.constant(.bool(value)), .bool)
        case .duration(let amount, let unit):
            guard let duration = Duration.make(amount, unit) else {
                report(.error, Catalog.numberTooLarge(source.text(of: expr.span)), at: expr.span, in: source)
                return .error(expr.span, source)
            }
            return make(.constant(.duration(duration)), .duration)
        case .today: return make(.today, .date)
        case .missing: return make(.constant(.missing), .any)
        case .error: return .error(expr.span, source)
        case .text(let parts):
            var bound: [BoundTemplatePart] = []
            for part in parts {
                switch part {
                case .literal(let text): bound.append(.literal(text))
                case .expr(let inner): bound.append(.value(bind(inner, env, source)))
                }
            }
            if bound.count == 1, case .literal(let text) = bound[0] { return make(.constant(.text(text)), .text) }
            if bound.isEmpty { return make(.constant(.text("")), .text) }
            return make(.template(bound), .text)
        case .list(let items):
            let elements = items.map { bind($0, env, source) }
            var elementType: RType = .any
            for element in elements {
                guard let unified = elementType.unified(with: element.type) else {
                    report(.error, Catalog.operatorTypes("[…]", elementType.name(in: schema), element.type.name(in: schema)),
                           at: element.span, in: source,
                           hint: LocalizedText("all elements of a list must have one type", zh: "列表中的元素必须是同一类型"))
                    return .error(expr.span, source)
                }
                elementType = unified
            }
            return make(.list(elements), .list(elementType))
        case .name(let name):
            return bindName(name, expr, env, source)
        case .member(let target, let member):
            return bindMember(bind(target, env, source), member, expr, source)
        case .call(let name, let arguments):
            return bindCall(name, arguments.map { bind($0, env, source) }, expr, env, source)
        case .unary(let op, let operand):
            return bindUnary(op, bind(operand, env, source), expr, source)
        case .binary(let op, let left, let right):
            return bindBinary(op, bind(left, env, source), bind(right, env, source), expr, source)
        case .isMissing(let operand, let negated):
            return make(.isMissing(bind(operand, env, source), negated: negated), .bool)
        case .membership(let element, let list, let negated):
            let left = bind(element, env, source)
            let right = bind(list, env, source)
            guard let elementType = right.type.element else {
                report(.error, Catalog.notAList(right.type.name(in: schema)), at: right.span, in: source)
                return .error(expr.span, source)
            }
            if !left.type.isComparable(with: elementType) {
                report(.error, Catalog.operatorTypes("in", left.type.name(in: schema), right.type.name(in: schema)),
                       at: expr.span, in: source)
                return .error(expr.span, source)
            }
            return make(.membership(left, right, negated: negated), .bool)
        case .quantifier(let quantifier, let binding, let condition):
            guard let (collection, slot, inner) = bindBinding(binding, env, source) else { return .error(expr.span, source) }
            let body = bind(condition, inner, source)
            requireBool(body, Catalog.theWhereClause, in: source)
            return make(.quantifier(quantifier, slot: slot, name: binding.variable.text, collection: collection, condition: body), .bool)
        case .aggregate(let aggregate, let value, let binding, let filter):
            return bindAggregate(aggregate, value, binding, filter, expr, env, source)
        }
    }

    /// `h in COLLECTION`: the collection bound, a slot for `h`, and the scope with `h` in it.
    private mutating func bindBinding(_ binding: Binding, _ env: Env, _ source: SourceFile) -> (Bound, Int, Env)? {
        let collection = bind(binding.collection, env, source)
        guard let elementType = collection.type.element else {
            report(.error, Catalog.notAList(collection.type.name(in: schema)), at: collection.span, in: source)
            return nil
        }
        if env.locals[binding.variable.text] != nil {
            report(.error, Catalog.duplicateVariable, at: binding.variable.span, in: source)
        }
        let slot = newSlot()
        var inner = env
        inner.locals[binding.variable.text] = Local(slot: slot, type: elementType)
        return (collection, slot, inner)
    }

    private mutating func bindAggregate(_ aggregate: Aggregate, _ value: Expr?, _ binding: Binding, _ filter: Expr?,
                                        _ expr: Expr, _ env: Env, _ source: SourceFile) -> Bound {
        guard let (collection, slot, inner) = bindBinding(binding, env, source) else { return .error(expr.span, source) }
        let boundFilter = filter.map { bind($0, inner, source) }
        if let boundFilter { requireBool(boundFilter, Catalog.theWhereClause, in: source) }
        let boundValue = value.map { bind($0, inner, source) }
        var type: RType = .int
        if let boundValue {
            type = boundValue.type
            let allowed: Bool
            switch aggregate {
            case .sum: allowed = type.isNumeric || type == .duration || type.isUnchecked
            default: allowed = type.isNumeric || type == .date || type == .text || type == .duration || type.isUnchecked
            }
            if !allowed {
                report(.error, Catalog.operandType(aggregate.rawValue, type.name(in: schema)), at: boundValue.span, in: source)
                return .error(expr.span, source)
            }
        }
        return Bound(kind: .aggregate(aggregate, slot: slot, name: binding.variable.text, collection: collection,
                                      value: boundValue, filter: boundFilter),
                     type: type, span: expr.span, source: source)
    }

    private mutating func bindName(_ name: String, _ expr: Expr, _ env: Env, _ source: SourceFile) -> Bound {
        if let local = env.locals[name] {
            return Bound(kind: .local(slot: local.slot, name: name), type: local.type, span: expr.span, source: source)
        }
        if let entry = definitions[name] {
            guard entry.declaration.parameters.isEmpty else {
                report(.error, Catalog.definitionNeedsArguments(name, entry.declaration.parameters.count), at: expr.span, in: source)
                return .error(expr.span, source)
            }
            return instantiate(name, arguments: [], expr, source)
        }
        if let table = schema.tableIndex[name] {
            return Bound(kind: .tableRows(table: table), type: .list(.record(table)), span: expr.span, source: source)
        }
        let candidates = Array(env.locals.keys) + Array(definitions.keys) + schema.tables.map(\.name)
        report(.error, Catalog.unknownName(name), at: expr.span, in: source, hint: unknownNameHint(name, candidates))
        return .error(expr.span, source)
    }

    /// A misspelling's nearest name, or (for `且h`) a reminder that Chinese keywords need spaces.
    func unknownNameHint(_ name: String, _ candidates: [String]) -> LocalizedText? {
        if let nearest = Suggestions.nearest(to: name, in: candidates) { return Suggestions.hint(nearest) }
        return Catalog.gluedKeyword(in: name).map(Catalog.gluedKeywordHint)
    }

    private mutating func bindMember(_ target: Bound, _ member: Name, _ expr: Expr, _ source: SourceFile) -> Bound {
        func make(_ kind: BoundKind, _ type: RType) -> Bound { Bound(kind: kind, type: type, span: expr.span, source: source) }
        switch target.type {
        case .record(let table):
            let schemaTable = schema.tables[table]
            if let column = schemaTable.columnIndex[member.text] {
                return make(.column(target, table: table, column: column), schemaTable.columns[column].type)
            }
            if let column = schemaTable.forward[member.text], let targetTable = schemaTable.columns[column].target {
                return make(.forward(target, table: table, column: column, target: targetTable), .record(targetTable))
            }
            if let reverse = schemaTable.reverse[member.text] {
                return make(.reverse(target, table: reverse.table, column: reverse.column), .list(.record(reverse.table)))
            }
            report(.error, Catalog.unknownMember(member.text, table: schemaTable.name), at: member.span, in: source,
                   hint: Suggestions.hint(Suggestions.nearest(to: member.text, in: schemaTable.memberNames)))
            return .error(expr.span, source)
        case .error:
            return .error(expr.span, source)
        case .any:
            // An untyped parameter: its members are checked where the definition is used.
            if !checkingGenericDefinition {
                report(.error, Catalog.memberOnNonRecord(member.text, type: target.type.name(in: schema)), at: member.span, in: source)
            }
            return Bound(kind: .error, type: .any, span: expr.span, source: source)
        case .list:
            report(.error, Catalog.memberOnNonRecord(member.text, type: target.type.name(in: schema)), at: member.span, in: source,
                   hint: Catalog.memberOnListHint)
            return .error(expr.span, source)
        default:
            report(.error, Catalog.memberOnNonRecord(member.text, type: target.type.name(in: schema)), at: member.span, in: source)
            return .error(expr.span, source)
        }
    }

    private mutating func bindCall(_ name: Name, _ arguments: [Bound], _ expr: Expr, _ env: Env, _ source: SourceFile) -> Bound {
        if definitions[name.text] != nil {
            return instantiate(name.text, arguments: arguments, expr, source)
        }
        if let host = hostFunctions[name.text] {
            return bindHostCall(host, arguments, expr, source)
        }
        guard let builtin = Builtin.byName[name.text] else {
            let candidates = Array(definitions.keys) + Builtin.allCases.flatMap(\.names) + Array(hostFunctions.keys)
            report(.error, Catalog.unknownFunction(name.text), at: name.span, in: source,
                   hint: Suggestions.hint(Suggestions.nearest(to: name.text, in: candidates)))
            return .error(expr.span, source)
        }
        if arguments.contains(where: { $0.type == .error }) { return .error(expr.span, source) }
        switch builtin.resultType(arguments.map(\.type)) {
        case .success(let type):
            return Bound(kind: .call(builtin, arguments), type: type, span: expr.span, source: source)
        case .failure(.arity(let expected)):
            report(.error, Catalog.arity(name.text, expected: expected, got: arguments.count), at: expr.span, in: source,
                   hint: Catalog.signatureHint(builtin.signature))
        case .failure(.argument(let index, let expected)):
            report(.error, Catalog.argumentType(name.text, index: index, expected: expected.name(in: schema),
                                                got: arguments[index].type.name(in: schema)),
                   at: arguments[index].span, in: source, hint: Catalog.signatureHint(builtin.signature))
        }
        return .error(expr.span, source)
    }

    /// A call of a host function, checked against its declared signature.
    private mutating func bindHostCall(_ function: HostFunction, _ arguments: [Bound], _ expr: Expr, _ source: SourceFile) -> Bound {
        if arguments.contains(where: { $0.type == .error }) { return .error(expr.span, source) }
        guard arguments.count == function.parameters.count else {
            report(.error, Catalog.arity(function.name, expected: function.parameters.count, got: arguments.count), at: expr.span, in: source,
                   hint: Catalog.signatureHint(function.signature))
            return .error(expr.span, source)
        }
        for (index, (argument, parameter)) in zip(arguments, function.parameters).enumerated() where !argument.type.fits(parameter.rtype) {
            report(.error, Catalog.argumentType(function.name, index: index, expected: parameter.rtype.name(in: schema),
                                                got: argument.type.name(in: schema)),
                   at: argument.span, in: source, hint: Catalog.signatureHint(function.signature))
            return .error(expr.span, source)
        }
        return Bound(kind: .hostCall(function, arguments), type: function.result.rtype, span: expr.span, source: source)
    }

    /// Expands a definition at a call site: arguments go into fresh slots, and the body is bound
    /// with the parameters typed by the arguments (or by their declared types).
    mutating func instantiate(_ name: String, arguments: [Bound], _ expr: Expr, _ source: SourceFile) -> Bound {
        // Uses inside a definition checked on its own count only if that definition is used;
        // a rough rule that still finds definitions nothing refers to.
        if definitionStack.first.map({ $0 != name }) ?? true { usedDefinitions.insert(name) }
        guard let entry = definitions[name], !entry.broken else { return .error(expr.span, source) }
        let parameters = entry.declaration.parameters
        guard parameters.count == arguments.count else {
            report(.error, Catalog.arity(name, expected: parameters.count, got: arguments.count), at: expr.span, in: source)
            return .error(expr.span, source)
        }
        guard definitionStack.count < Checker.maxDefinitionDepth else {
            // Once: checking each definition of a long chain on its own would say it again for each.
            if !definitionDepthReported {
                definitionDepthReported = true
                report(.error, Catalog.definitionTooDeep(Checker.maxDefinitionDepth), at: expr.span, in: source)
            }
            return .error(expr.span, source)
        }
        var env = Env()
        var slots: [(slot: Int, value: Bound)] = []
        for (parameter, argument) in zip(parameters, arguments) {
            var type = argument.type
            if let declared = parameter.type, let declaredType = resolveType(declared, in: entry.source) {
                if !argument.type.fits(declaredType) {
                    report(.error, Catalog.parameterType(parameter.name.text, expected: declaredType.name(in: schema),
                                                         got: argument.type.name(in: schema)),
                           at: argument.span, in: source)
                    return .error(expr.span, source)
                }
                type = declaredType == .decimal ? .decimal : argument.type
            }
            let slot = newSlot()
            env.locals[parameter.name.text] = Local(slot: slot, type: type)
            slots.append((slot, argument))
        }
        definitionStack.append(name)
        let body = bind(entry.declaration.body, env, entry.source)
        definitionStack.removeLast()
        if body.type == .error { return .error(expr.span, source) }
        return Bound(kind: .definition(name: name, arguments: slots, body: body), type: body.type, span: expr.span, source: source)
    }
}
