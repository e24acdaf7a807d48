import Foundation

/// Limits on one evaluation, so a host can bound the work a rule set does.
public struct EvaluationLimits: Sendable {
    /// The most loop iterations (quantifier and aggregate elements) one evaluation may take.
    public var maxSteps: Int
    /// The most working days a `workdays` duration may span.
    public var maxWorkdays: Int

    /// Generous defaults: enough for millions of rows, bounded nonetheless.
    public init(maxSteps: Int = 5_000_000_000, maxWorkdays: Int = 100_000) {
        self.maxSteps = maxSteps
        self.maxWorkdays = maxWorkdays
    }
}

/// A flag another thread may set to stop an evaluation (Ctrl-C in the REPL).
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    /// Creates an unset flag.
    public init() {}

    /// Asks every evaluation watching this flag to stop.
    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }
    /// Clears the flag for the next evaluation.
    public func reset() { lock.lock(); cancelled = false; lock.unlock() }
    /// Whether `cancel()` was called.
    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
}

/// Per-evaluation state: variable slots, the as-of date, the data, step counting.
/// One frame per thread; compiled plans are shared and immutable.
final class Frame {
    /// Variable slots in memory the frame owns: reads and writes in the evaluation loop are plain
    /// loads and stores (an array in a class would be checked for exclusive access on every write).
    let slots: Slots
    private let stepCounter: UnsafeMutablePointer<Int>
    let today: Int32
    let dataset: Dataset?
    let limits: EvaluationLimits
    let cancellation: CancellationFlag?
    /// Loop iterations so far in this evaluation.
    var steps: Int {
        get { stepCounter.pointee }
        set { stepCounter.pointee = newValue }
    }
    private let maxSteps: Int
    /// Column reads that found a missing value, when explaining why a rule is undetermined
    /// (only the traced plans record them; the fast path pays nothing).
    var missingReads: [MissingRead] = []

    init(slotCount: Int, today: Int32, dataset: Dataset?, limits: EvaluationLimits = EvaluationLimits(),
         cancellation: CancellationFlag? = nil) {
        self.slots = Slots(count: max(slotCount, 1))
        self.stepCounter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        self.stepCounter.initialize(to: 0)
        self.maxSteps = limits.maxSteps
        self.today = today
        self.dataset = dataset
        self.limits = limits
        self.cancellation = cancellation
    }

    /// Counts one loop iteration; stops when the step limit is reached or the host cancels.
    deinit {
        slots.release()
        stepCounter.deallocate()
    }

    @inline(__always)
    func step(_ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) {
        let steps = stepCounter.pointee &+ 1
        stepCounter.pointee = steps
        if steps & 0xFFFF == 0 {
            if let cancellation, cancellation.isCancelled {
                throw EvaluationError(kind: .cancelled, text: LocalizedText("interrupted", zh: "已中断"), span: span, source: source)
            }
        }
        if steps > maxSteps {
            throw EvaluationError(kind: .stepLimit,
                                  text: LocalizedText("the evaluation took more than \(limits.maxSteps) steps",
                                                      zh: "求值超过了 \(limits.maxSteps) 步"),
                                  span: span, source: source)
        }
    }
}

/// A read of a missing cell: which table, row and column.
struct MissingRead: Sendable, Hashable {
    let table: Int
    let row: Int32
    let column: Int
}

/// A fixed number of value slots; indexes come from the checker, which numbers every variable of a
/// compilation below the count the frame is made with.
///
/// Beside each value, the row it names when it is a record (-1 otherwise): the condition nodes
/// read rows as plain integers, and a quantifier whose variable is read only that way stores just
/// the row (see `Planner.valueReads`). Writing a value keeps its row in step.
struct Slots {
    let base: UnsafeMutablePointer<Value>
    let rows: UnsafeMutablePointer<Int32>
    let count: Int

    init(count: Int) {
        self.count = count
        base = UnsafeMutablePointer<Value>.allocate(capacity: count)
        base.initialize(repeating: .missing, count: count)
        rows = UnsafeMutablePointer<Int32>.allocate(capacity: count)
        rows.initialize(repeating: -1, count: count)
    }

    @inline(__always)
    subscript(index: Int) -> Value {
        get { base[index] }
        nonmutating set {
            if case .record(let ref) = newValue { rows[index] = ref.row } else { rows[index] = -1 }
            base[index] = newValue
        }
    }

    /// A definition's argument that is a variable: the value and the row, each as it is.
    @inline(__always)
    func copy(from: Int, to: Int) {
        base[to] = base[from]
        rows[to] = rows[from]
    }

    func release() {
        base.deinitialize(count: count)
        base.deallocate()
        rows.deallocate()
    }
}
