import Foundation
import Redline
import CRedline

// The C interface (include/redline.h), built as libredline.so. It uses only Redline's public
// API. Handles are not pointers to objects but numbers registered in `Handles`: a pointer that is
// not a live handle of the right kind is refused instead of being followed, and a handle is never
// reused after it is freed, so a stale one cannot name a newer object.

// MARK: Statuses

enum Status: Int32 {
    case ok = 0, invalidArgument, compileError, dataError, evaluationError, stopped, notFound

    var name: String {
        switch self {
        case .ok: return "REDLINE_OK"
        case .invalidArgument: return "REDLINE_INVALID_ARGUMENT"
        case .compileError: return "REDLINE_COMPILE_ERROR"
        case .dataError: return "REDLINE_DATA_ERROR"
        case .evaluationError: return "REDLINE_EVALUATION_ERROR"
        case .stopped: return "REDLINE_STOPPED"
        case .notFound: return "REDLINE_NOT_FOUND"
        }
    }
}

/// A failure of a call: its status and message.
struct Failure: Error {
    let status: Status
    let message: String
    init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

// MARK: Handles

final class ProgramHandle: @unchecked Sendable {
    let program: Program
    init(_ program: Program) { self.program = program }
}

final class DatasetHandle: @unchecked Sendable {
    let program: Program
    let dataset: Dataset
    init(_ program: Program, _ dataset: Dataset) {
        self.program = program
        self.dataset = dataset
    }
}

final class CancelHandle: @unchecked Sendable {
    let flag = CancellationFlag()
}

/// The live handles by number. Numbers grow by 16 from 0x1000, so they look like aligned
/// pointers to C and are never zero or reused.
final class Handles: @unchecked Sendable {
    static let shared = Handles()
    private let lock = NSLock()
    private var live: [UInt: AnyObject] = [:]
    private var next: UInt = 0x1000

    func add(_ object: AnyObject) -> OpaquePointer? {
        lock.lock()
        defer { lock.unlock() }
        let number = next
        next += 16
        live[number] = object
        return OpaquePointer(bitPattern: number)
    }

    /// The object a handle names, if it is live and of type `T` (a strong reference, so a free
    /// on another thread cannot pull it away during the call).
    func get<T: AnyObject>(_ handle: OpaquePointer?, as type: T.Type) -> T? {
        guard let handle else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return live[UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))] as? T
    }

    func remove<T: AnyObject>(_ handle: OpaquePointer?, as type: T.Type) {
        guard let handle else { return }
        let number = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
        lock.lock()
        let object = live[number] as? T
        if object != nil { live[number] = nil }
        lock.unlock()
        // The object is released here, outside the lock, when `object` goes.
        _ = object
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return live.count
    }
}

// MARK: Conversions

/// A C string as Swift text; nil pointers and text that is not UTF-8 are refused.
func text(_ pointer: UnsafePointer<CChar>?, _ what: String) throws(Failure) -> String {
    guard let pointer else { throw Failure(.invalidArgument, "\(what) is NULL") }
    guard let value = String(validatingCString: pointer) else { throw Failure(.invalidArgument, "\(what) is not UTF-8 text") }
    return value
}

func optionalText(_ pointer: UnsafePointer<CChar>?, _ what: String) throws(Failure) -> String? {
    guard pointer != nil else { return nil }
    return try text(pointer, what)
}

/// A copy of `value` in malloc'd memory, for the caller to free.
func copied(_ value: String) -> UnsafeMutablePointer<CChar>? {
    strdup(value)
}

func language(_ pointer: UnsafePointer<CChar>?) throws(Failure) -> Language {
    switch try optionalText(pointer, "language") {
    case nil, "en": return .en
    case "zh": return .zh
    case let other?: throw Failure(.invalidArgument, "unknown language `\(other)` (en or zh)")
    }
}

func date(_ pointer: UnsafePointer<CChar>?) throws(Failure) -> CalendarDate {
    let value = try text(pointer, "as_of")
    guard let date = CalendarDate(iso: value) else { throw Failure(.invalidArgument, "as_of `\(value)` is not a date (YYYY-MM-DD)") }
    return date
}

func limits(_ pointer: UnsafePointer<redline_limits>?) -> EvaluationLimits {
    var limits = EvaluationLimits()
    guard let given = pointer?.pointee else { return limits }
    if given.max_steps > 0 { limits.maxSteps = Int(given.max_steps) }
    if given.max_list_size > 0 { limits.maxListSize = Int(given.max_list_size) }
    if given.max_workdays > 0 { limits.maxWorkdays = Int(given.max_workdays) }
    // NaN or a negative time is no time at all (EvaluationLimits accepts anything).
    if given.timeout_seconds != 0 { limits.timeout = given.timeout_seconds }
    return limits
}

/// The calendar option: nil for the built-in Chinese calendar, "none", or a file.
func loadOptions(_ pointer: UnsafePointer<CChar>?) throws(Failure) -> LoadOptions {
    switch try optionalText(pointer, "calendar") {
    case nil: return LoadOptions()
    case "none": return LoadOptions(calendar: .mondayToFriday)
    case let path?: return LoadOptions(calendarPath: path)
    }
}

/// Where a call writes a string for the caller (NULL: the caller does not want it).
public typealias TextOut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

/// Runs a call's body: its status, or a failure's status with the message written to `error`.
func perform(_ error: TextOut, _ body: () throws(Failure) -> Void) -> Int32 {
    error?.pointee = nil
    do {
        try body()
        return Status.ok.rawValue
    } catch let failure {
        error?.pointee = copied(failure.message)
        return failure.status.rawValue
    }
}

func dataFailure(_ loaded: DataLoadResult) -> Failure {
    var message = DiagnosticRenderer.text(loaded.diagnostics)
    if loaded.errorCount > loaded.diagnostics.count {
        message += "… \(loaded.errorCount - loaded.diagnostics.count) more data errors (\(loaded.errorCount) in all)\n"
    }
    return Failure(.dataError, message)
}

func program(_ handle: OpaquePointer?) throws(Failure) -> Program {
    guard handle != nil else { throw Failure(.invalidArgument, "program is NULL") }
    guard let box = Handles.shared.get(handle, as: ProgramHandle.self) else { throw Failure(.invalidArgument, "program is not a live program handle") }
    return box.program
}

/// A dataset handle (nil allowed when `optional`), which must belong to `program`.
func dataset(_ handle: OpaquePointer?, of program: Program, optional: Bool = false) throws(Failure) -> Dataset? {
    guard handle != nil else {
        if optional { return nil }
        throw Failure(.invalidArgument, "dataset is NULL")
    }
    guard let box = Handles.shared.get(handle, as: DatasetHandle.self) else { throw Failure(.invalidArgument, "dataset is not a live dataset handle") }
    guard box.program === program else { throw Failure(.invalidArgument, "the dataset was loaded for another program") }
    return box.dataset
}

func cancellation(_ handle: OpaquePointer?) throws(Failure) -> CancellationFlag? {
    guard handle != nil else { return nil }
    guard let box = Handles.shared.get(handle, as: CancelHandle.self) else { throw Failure(.invalidArgument, "cancel is not a live cancellation handle") }
    return box.flag
}

func requireOut(_ out: TextOut, _ what: String) throws(Failure) {
    if out == nil { throw Failure(.invalidArgument, "\(what) is NULL") }
}
