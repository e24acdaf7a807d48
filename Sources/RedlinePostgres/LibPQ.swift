#if canImport(Glibc)
import Glibc
#endif

/// PostgreSQL's client library, libpq, opened at run time (`libpq.so.5`, Debian's `libpq5`)
/// rather than linked: building Redline needs no PostgreSQL headers, and a machine without
/// libpq gets a clear message when, and only when, `--data postgresql://…` is used. Only the
/// dozen functions the reader calls are bound; their C types are in libpq-fe.h.
final class LibPQ: @unchecked Sendable {
    typealias Connection = OpaquePointer
    typealias Result = OpaquePointer

    let connect: @convention(c) (UnsafePointer<CChar>?) -> Connection?
    let status: @convention(c) (Connection?) -> Int32
    let errorMessage: @convention(c) (Connection?) -> UnsafeMutablePointer<CChar>?
    let finish: @convention(c) (Connection?) -> Void
    let exec: @convention(c) (Connection?, UnsafePointer<CChar>?) -> Result?
    let resultStatus: @convention(c) (Result?) -> Int32
    let resultErrorMessage: @convention(c) (Result?) -> UnsafeMutablePointer<CChar>?
    let clear: @convention(c) (Result?) -> Void
    let tupleCount: @convention(c) (Result?) -> Int32
    let value: @convention(c) (Result?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    let isNull: @convention(c) (Result?, Int32, Int32) -> Int32
    let fieldCount: @convention(c) (Result?) -> Int32
    let copyData: @convention(c) (Connection?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int32) -> Int32
    let nextResult: @convention(c) (Connection?) -> Result?
    let freeMemory: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let escapeIdentifier: @convention(c) (Connection?, UnsafePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?
    let escapeLiteral: @convention(c) (Connection?, UnsafePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?

    // ConnStatusType and ExecStatusType values (libpq-fe.h).
    static let connectionOK: Int32 = 0
    static let commandOK: Int32 = 1
    static let tuplesOK: Int32 = 2
    static let copyOut: Int32 = 3

    /// The library, opened once; nil when the system has none.
    static let shared: LibPQ? = LibPQ()

    private init?() {
        guard let handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libpq.so", RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: type)
        }
        guard let connect = symbol("PQconnectdb", as: (@convention(c) (UnsafePointer<CChar>?) -> Connection?).self),
              let status = symbol("PQstatus", as: (@convention(c) (Connection?) -> Int32).self),
              let errorMessage = symbol("PQerrorMessage", as: (@convention(c) (Connection?) -> UnsafeMutablePointer<CChar>?).self),
              let finish = symbol("PQfinish", as: (@convention(c) (Connection?) -> Void).self),
              let exec = symbol("PQexec", as: (@convention(c) (Connection?, UnsafePointer<CChar>?) -> Result?).self),
              let resultStatus = symbol("PQresultStatus", as: (@convention(c) (Result?) -> Int32).self),
              let resultErrorMessage = symbol("PQresultErrorMessage", as: (@convention(c) (Result?) -> UnsafeMutablePointer<CChar>?).self),
              let clear = symbol("PQclear", as: (@convention(c) (Result?) -> Void).self),
              let tupleCount = symbol("PQntuples", as: (@convention(c) (Result?) -> Int32).self),
              let value = symbol("PQgetvalue", as: (@convention(c) (Result?, Int32, Int32) -> UnsafeMutablePointer<CChar>?).self),
              let isNull = symbol("PQgetisnull", as: (@convention(c) (Result?, Int32, Int32) -> Int32).self),
              let fieldCount = symbol("PQnfields", as: (@convention(c) (Result?) -> Int32).self),
              let copyData = symbol("PQgetCopyData", as: (@convention(c) (Connection?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int32) -> Int32).self),
              let nextResult = symbol("PQgetResult", as: (@convention(c) (Connection?) -> Result?).self),
              let freeMemory = symbol("PQfreemem", as: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self),
              let escapeIdentifier = symbol("PQescapeIdentifier", as: (@convention(c) (Connection?, UnsafePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?).self),
              let escapeLiteral = symbol("PQescapeLiteral", as: (@convention(c) (Connection?, UnsafePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?).self)
        else { return nil }
        self.connect = connect
        self.status = status
        self.errorMessage = errorMessage
        self.finish = finish
        self.exec = exec
        self.resultStatus = resultStatus
        self.resultErrorMessage = resultErrorMessage
        self.clear = clear
        self.tupleCount = tupleCount
        self.value = value
        self.isNull = isNull
        self.fieldCount = fieldCount
        self.copyData = copyData
        self.nextResult = nextResult
        self.freeMemory = freeMemory
        self.escapeIdentifier = escapeIdentifier
        self.escapeLiteral = escapeLiteral
    }
}
