/// An exploratory query, as parsed:
/// `from h in hazards where COND group by KEY select NAME: EXPR, … sort by EXPR desc, … limit N`.
struct QuerySyntax {
    let variable: Name
    let collection: Expr
    var filter: Expr?
    var groupKey: Expr?
    var groupName: String?
    var select: [SelectItem] = []
    var sort: [(key: SortKey, descending: Bool)] = []
    var limit: Int?
}

struct SelectItem {
    let title: String
    let value: SelectValue
}

enum SelectValue {
    case expression(Expr)
    /// `count`, `sum(E)`, `min(E)`, `max(E)` over the rows of a group.
    case aggregate(Aggregate, Expr?)
}

enum SortKey {
    /// A selected column, by its title.
    case column(String)
    case expression(Expr)
}

/// Clause words of queries; contextual, so they remain usable as names inside expressions.
enum QueryWord {
    static let from: Set<String> = ["from", "从"]
    static let group: Set<String> = ["group", "分组"]
    static let by: Set<String> = ["by", "按"]
    static let select: Set<String> = ["select", "选取"]
    static let sort: Set<String> = ["sort", "order", "排序"]
    static let limit: Set<String> = ["limit", "限制"]
    static let descending: Set<String> = ["desc", "descending", "降序"]
    static let ascending: Set<String> = ["asc", "ascending", "升序"]
    static let all: Set<String> = from.union(group).union(select).union(sort).union(limit)
}

/// Parses queries with the expression parser.
extension Parser {
    mutating func parseQuery() -> QuerySyntax? {
        do {
            if let word = current.identifier, QueryWord.from.contains(word) { _ = advance() }
            let variable = try expectName(Catalog.variableName)
            _ = try expect(.in)
            let collection = try parsePostfix()
            var query = QuerySyntax(variable: variable, collection: collection)
            if match(.where) { query.filter = try parseExpression() }
            while !atEnd {
                guard let word = current.identifier else { throw fail(expected: Catalog.queryClause) }
                if QueryWord.group.contains(word) {
                    _ = advance()
                    if let by = current.identifier, QueryWord.by.contains(by) { _ = advance() }
                    let start = current.span.start
                    query.groupKey = try parseExpression()
                    query.groupName = source.text(of: SourceSpan(start: start, end: previous.span.end))
                } else if QueryWord.select.contains(word) {
                    _ = advance()
                    repeat { query.select.append(try parseSelectItem()) } while match(.comma)
                } else if QueryWord.sort.contains(word) {
                    _ = advance()
                    if let by = current.identifier, QueryWord.by.contains(by) { _ = advance() }
                    repeat {
                        let key: SortKey
                        if let name = current.identifier, peek(1).kind == .comma || peek(1).kind == .endOfFile
                            || peek(1).identifier.map({ QueryWord.descending.contains($0) || QueryWord.ascending.contains($0) || QueryWord.all.contains($0) }) == true {
                            _ = advance()
                            key = .column(name)
                        } else if let aggregate = current.keyword, [.count, .sum, .min, .max].contains(aggregate) {
                            key = .column(try parseSelectItem().title)
                        } else {
                            key = .expression(try parseExpression())
                        }
                        var descending = false
                        if let direction = current.identifier, QueryWord.descending.contains(direction) {
                            descending = true
                            _ = advance()
                        } else if let direction = current.identifier, QueryWord.ascending.contains(direction) {
                            _ = advance()
                        }
                        query.sort.append((key, descending))
                    } while match(.comma)
                } else if QueryWord.limit.contains(word) {
                    _ = advance()
                    guard case .integer(let n) = current.kind, n >= 0 else { throw fail(expected: Catalog.rowCount) }
                    _ = advance()
                    query.limit = Int(n)
                } else {
                    throw fail(expected: Catalog.queryClause, hint: Suggestions.hint(Suggestions.nearest(to: word, in: QueryWord.all)))
                }
            }
            return query
        } catch {
            return nil
        }
    }

    /// `NAME: EXPR`, `EXPR`, or an aggregate: `count`, `sum(E)`, `min(E)`, `max(E)`.
    private mutating func parseSelectItem() throws(Abort) -> SelectItem {
        var title: String? = nil
        if let name = current.identifier, peek(1).kind == .colon {
            _ = advance()
            _ = advance()
            title = name
        }
        let start = current.span.start
        if let keyword = current.keyword, [.count, .sum, .min, .max].contains(keyword),
           peek(1).kind == .leftParen || peek(1).kind == .comma || peek(1).kind == .endOfFile || peek(1).identifier.map(QueryWord.all.contains) == true {
            _ = advance()
            let aggregate: Aggregate = keyword == .count ? .count : keyword == .sum ? .sum : keyword == .min ? .min : .max
            var argument: Expr? = nil
            if check(.leftParen) {
                let open = advance()
                if !check(.rightParen) { argument = try parseExpression() }
                _ = try expectCloser(.rightParen, for: open)
            }
            if aggregate != .count, argument == nil { throw fail(expected: Catalog.anExpression) }
            let text = source.text(of: SourceSpan(start: start, end: previous.span.end))
            return SelectItem(title: title ?? text, value: .aggregate(aggregate, argument))
        }
        let expr = try parseExpression()
        return SelectItem(title: title ?? source.text(of: expr.span), value: .expression(expr))
    }
}

extension Catalog {
    static let queryClause = LocalizedText("`group by`, `select`, `sort by` or `limit`", zh: "`分组`、`选取`、`排序` 或 `限制`")
    static let rowCount = LocalizedText("a number of rows", zh: "行数")
    static let aggregateNeedsGroup = LocalizedText("`count`, `sum`, `min` and `max` in `select` need `group by`",
                                                   zh: "`选取` 中的 `计数`、`求和`、`最小`、`最大` 需要 `分组`")
    static func unknownSortColumn(_ name: String) -> LocalizedText {
        LocalizedText("`\(name)` is not a selected column", zh: "`\(name)` 不是选取的列")
    }
}
