/// Declarations: `table`, `actions`, `define`, `rule`.
extension Parser {
    mutating func parseTable() throws(Abort) -> TableDecl {
        let keyword = advance()
        let name = try expectName(Catalog.tableName)
        var key: Name? = nil, label: Name? = nil
        // `key COLUMN` and `label COLUMN`, each at most once, in either order.
        while let word = current.identifier {
            if key == nil, ContextualWord.key.contains(word) {
                _ = advance()
                key = try expectName(Catalog.keyColumnName)
            } else if label == nil, ContextualWord.label.contains(word) {
                _ = advance()
                label = try expectName(Catalog.labelColumnName)
            } else {
                break
            }
        }
        let open = try expect(.leftBrace, Catalog.punctuation("{"))
        var columns: [ColumnDecl] = []
        while !check(.rightBrace) {
            // A declaration keyword at the start of a line means the `}` was forgotten.
            if atEnd || (current.startsLine && current.keyword?.startsDeclaration == true) {
                _ = try expectCloser(.rightBrace, for: open)
            }
            let columnStart = index
            do {
                columns.append(try parseColumn())
                if !check(.rightBrace) {
                    guard match(.comma) else {
                        // Two columns on separate lines without a comma: say so, keep going.
                        if current.identifier != nil, current.startsLine, peek(1).kind == .colon {
                            // The caret goes where the comma belongs: right after the previous column.
                            let gap = SourceSpan(start: previous.span.end, end: previous.span.end)
                            diagnostics.append(Diagnostic(.error, Catalog.expected(Catalog.punctuation(","), found: describe(current)),
                                                          at: gap, in: source, hint: Catalog.columnCommaHint))
                            continue
                        }
                        throw fail(expected: Catalog.commaOrBrace)
                    }
                }
            } catch {
                skipToNextColumn(from: columnStart)
            }
        }
        let close = advance()
        return TableDecl(name: name, key: key, label: label, columns: columns, span: keyword.span.union(close.span))
    }

    /// After a bad column: skip past the next `,`, or stop before `}` or the next declaration.
    private mutating func skipToNextColumn(from start: Int) {
        if index == start { _ = advance() }
        while !atEnd, !check(.rightBrace) {
            if current.startsLine, current.keyword?.startsDeclaration == true { return }
            if match(.comma) { return }
            _ = advance()
        }
    }

    private mutating func parseColumn() throws(Abort) -> ColumnDecl {
        let name = try expectName(Catalog.columnName)
        _ = try expect(.colon, Catalog.punctuation(":"))
        let type = try parseType()
        var reference: ReferenceDecl? = nil
        if match(.arrow) {
            let table = try expectName(Catalog.tableName)
            var navigation: Name? = nil
            if let word = current.identifier, ContextualWord.as.contains(word) {
                _ = advance()
                navigation = try expectName(Catalog.navigationName)
            }
            reference = ReferenceDecl(table: table, navigation: navigation)
        }
        return ColumnDecl(name: name, type: type, reference: reference)
    }

    mutating func parseType() throws(Abort) -> TypeRef {
        let name = try expectName(Catalog.typeName)
        let optional = match(.question)
        return TypeRef(name: name, optional: optional, span: optional ? name.span.union(previous.span) : name.span)
    }

    mutating func parseActions() throws(Abort) -> ActionsDecl {
        let keyword = advance()
        var names = [try expectName(Catalog.actionName)]
        while match(.less) {
            names.append(try expectName(Catalog.actionName))
        }
        if !atEnd, !(current.startsLine && current.keyword?.startsDeclaration == true) {
            throw fail(expected: Catalog.lessOrNewDeclaration, hint: Catalog.actionsOrderHint)
        }
        return ActionsDecl(names: names, span: keyword.span.union(previous.span))
    }

    mutating func parseDefine() throws(Abort) -> DefineDecl {
        let keyword = advance()
        let name = try expectName(Catalog.definitionName)
        var parameters: [Parameter] = []
        if check(.leftParen) {
            let open = advance()
            if !check(.rightParen) {
                repeat {
                    let parameter = try expectName(Catalog.parameterName)
                    var type: TypeRef? = nil
                    if match(.colon) { type = try parseType() }
                    parameters.append(Parameter(name: parameter, type: type))
                } while match(.comma)
            }
            _ = try expectCloser(.rightParen, for: open)
        }
        guard match(.equal) else {
            throw fail(expected: Catalog.punctuation("="), hint: check(.equalEqual) ? Catalog.defineSingleEqualHint : nil)
        }
        let body = try parseExpression()
        try expectDeclarationEnd()
        return DefineDecl(name: name, parameters: parameters, body: body, span: keyword.span.union(body.span))
    }

    mutating func parseRule() throws(Abort) -> RuleDecl {
        let keyword = advance()
        let name = try expectName(Catalog.ruleName)
        var policy: String? = nil
        if case .text(let pieces) = current.kind {
            _ = advance()
            policy = pieces.map { piece -> String in
                if case .literal(let text) = piece { return text }
                return ""
            }.joined()
        }
        _ = try expect(.for)
        let variable = try expectName(Catalog.variableName)
        _ = try expect(.in)
        let collection = try parsePostfix()
        _ = try expect(.when)
        let condition = try parseExpression()
        guard match(.then) else {
            throw fail(expected: Catalog.keyword(.then), hint: Catalog.thenHint)
        }
        let action = try expectName(Catalog.actionName)
        let actionSubject = try expectName(Catalog.subjectVariable(variable.text))
        var message: Expr? = nil
        if match(.because) {
            guard case .text = current.kind else { throw fail(expected: Catalog.messageText) }
            message = try parsePrimary()
        }
        try expectDeclarationEnd()
        return RuleDecl(name: name, policy: policy, subject: Binding(variable: variable, collection: collection),
                        condition: condition, action: action, actionSubject: actionSubject, message: message,
                        span: keyword.span.union(previous.span))
    }

    /// A declaration ends at end of file or where the next declaration starts.
    private mutating func expectDeclarationEnd() throws(Abort) {
        if atEnd || current.keyword?.startsDeclaration == true { return }
        throw fail(expected: Catalog.endOfDeclaration)
    }
}
