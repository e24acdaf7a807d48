/// A function the host adds to the language, such as `in_key_period(date) -> bool` from an
/// agency's calendar of key periods (重点时段) or `risk_score(text) -> decimal`.
///
/// The checker knows its signature: a call with the wrong number or types of arguments is a
/// compile error naming both types, and an unknown name suggests host functions too. As for the
/// standard library, a missing argument gives a missing result without calling the body. The
/// body may be called from several threads at once (runs are parallel), so it must be safe to
/// call concurrently. A body that throws, or returns a value of another type than declared,
/// makes that rule's outcome for that subject `failed` with the error as its reason; the run
/// goes on.
public struct HostFunction: Sendable {
    /// The name rules call it by: letters (any script), digits and `_`, not a keyword, not the
    /// name of a standard-library function.
    public let name: String
    /// The parameter types, in order.
    public let parameters: [HostType]
    /// The result type.
    public let result: HostType
    /// The function itself. Arguments are never `missing`.
    public let body: @Sendable ([HostValue]) throws -> HostValue

    /// A function named `name` taking `parameters` and returning `result`, computed by `body`.
    public init(_ name: String, parameters: [HostType], result: HostType, body: @escaping @Sendable ([HostValue]) throws -> HostValue) {
        self.name = name
        self.parameters = parameters
        self.result = result
        self.body = body
    }

    /// `risk_score(text) -> decimal`, as errors show it.
    public var signature: String {
        "\(name)(" + parameters.map(\.description).joined(separator: ", ") + ") -> \(result)"
    }
}
