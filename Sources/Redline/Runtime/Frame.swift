import Foundation

/// Limits on one evaluation, so a host can bound the work a rule set does. One evaluation is
/// one call: `Program.run` (every rule for every subject, on all threads), `query`, `evaluate`,
/// `explain`, or one case of `runTests`.
public struct EvaluationLimits: Sendable {
    /// The most loop iterations (quantifier and aggregate elements, filtered rows) one
    /// evaluation may take, counted over all its rules, subjects and threads.
    public var maxSteps: Int
    /// The most working days a `workdays` duration may span.
    public var maxWorkdays: Int
    /// Wall-clock seconds one evaluation may take (nil: no deadline).
    public var timeout: Double?
    /// The most elements any list made while evaluating may have (a table or backward reference
    /// taken as a list value, a query's answer): more is an error of that evaluation.
    public var maxListSize: Int

    /// Generous defaults: enough for millions of rows, bounded nonetheless; no deadline
    /// (the command line sets one, `--timeout`).
    public init(maxSteps: Int = 5_000_000_000, maxWorkdays: Int = 100_000, timeout: Double? = nil, maxListSize: Int = 50_000_000) {
        self.maxSteps = maxSteps
        self.maxWorkdays = maxWorkdays
        self.timeout = timeout
        self.maxListSize = maxListSize
    }
}

/// What one evaluation may still spend, shared by all its frames (threads): steps, the
/// deadline and the host's cancellation. Frames count steps on their own and report them here
/// every 65,536, so the shared lock is taken rarely; the first limit reached stops every frame.
final class EvaluationBudget: @unchecked Sendable {
    let limits: EvaluationLimits
    let cancellation: CancellationFlag?
    /// Uptime in nanoseconds past which the evaluation stops.
    private let deadline: UInt64?
    private let lock = NSLock()
    private var used = 0
    private var stop: EvaluationError? = nil

    init(_ limits: EvaluationLimits, cancellation: CancellationFlag?) {
        self.limits = limits
        self.cancellation = cancellation
        deadline = limits.timeout.map { timeout in
            // A host may pass anything: NaN or a negative time means no time at all.
            let nanoseconds = timeout.isNaN ? 0 : max(0, min(timeout, 1e9)) * 1e9
            return DispatchTime.now().uptimeNanoseconds &+ UInt64(nanoseconds)
        }
    }

    /// The limit that stopped the evaluation, if one did.
    var stopped: EvaluationError? { lock.lock(); defer { lock.unlock() }; return stop }

    /// Adds `steps` done by one frame, then checks every limit.
    func charge(_ steps: Int, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) {
        lock.lock()
        used &+= steps
        let total = used, stopped = stop
        lock.unlock()
        if let stopped { throw stopped }
        if total > limits.maxSteps { throw record(.stepLimit(limits.maxSteps, span, source)) }
        try check(span, source)
    }

    /// The deadline, the host's cancellation and a stop by another frame, without charging steps.
    func check(_ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) {
        if let cancellation, cancellation.isCancelled {
            throw record(EvaluationError(kind: .cancelled, text: LocalizedText("interrupted", zh: "已中断"), span: span, source: source))
        }
        if let deadline, DispatchTime.now().uptimeNanoseconds > deadline {
            let timeout = limits.timeout ?? 0
            let seconds = timeout == timeout.rounded() && abs(timeout) < 1e15 ? String(Int(timeout)) : String(timeout)
            throw record(EvaluationError(kind: .deadline,
                                         text: LocalizedText("the evaluation took longer than \(seconds) second\(seconds == "1" ? "" : "s") (the time limit)",
                                                             zh: "求值超过了 \(seconds) 秒(时间上限)"),
                                         span: span, source: source))
        }
        lock.lock()
        let stopped = stop
        lock.unlock()
        if let stopped { throw stopped }
    }

    /// Keeps the first limit reached, so every frame stops with the same reason.
    @discardableResult
    func record(_ error: EvaluationError) -> EvaluationError {
        lock.lock()
        defer { lock.unlock() }
        if stop == nil { stop = error }
        return stop ?? error
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
    /// The working-day calendar: the dataset's, else the one the evaluation was given.
    let calendar: WorkCalendar
    let limits: EvaluationLimits
    /// Shared by every frame of the evaluation.
    let budget: EvaluationBudget
    /// Loop iterations so far in this frame (the budget has every frame's).
    var steps: Int { stepCounter.pointee }
    private let maxSteps: Int
    /// Whether reads of missing cells are recorded in `missingReads`: on while a rule found
    /// undetermined is evaluated again to name the cells that left it unknown. The plan is the
    /// one that decided; each node that reads a cell looks at this flag only when the cell is
    /// missing, so the run pays nothing for it.
    var recordsMissing = false
    /// Column reads that found a missing value, while `recordsMissing` is on.
    var missingReads: [MissingRead] = []

    /// Notes a read of a missing cell, if reads are being recorded.
    @inline(__always)
    func readMissing(table: Int, row: Int32, column: Int) {
        if recordsMissing { missingReads.append(MissingRead(table: table, row: row, column: column)) }
    }

    /// A frame of an evaluation of its own (one thread), or of `budget`'s.
    init(slotCount: Int, today: Int32, dataset: Dataset?, calendar: WorkCalendar? = nil, limits: EvaluationLimits = EvaluationLimits(),
         cancellation: CancellationFlag? = nil, budget: EvaluationBudget? = nil) {
        self.calendar = dataset?.calendar ?? calendar ?? .china
        self.slots = Slots(count: max(slotCount, 1))
        self.stepCounter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        self.stepCounter.initialize(to: 0)
        self.maxSteps = limits.maxSteps
        self.today = today
        self.dataset = dataset
        self.limits = limits
        self.budget = budget ?? EvaluationBudget(limits, cancellation: cancellation)
    }

    deinit {
        slots.release()
        stepCounter.deallocate()
    }

    /// Counts one loop iteration; every 65,536 the shared budget is charged and checked (steps
    /// over all frames, the deadline, cancellation). One frame alone stops at its own count.
    @inline(__always)
    func step(_ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) {
        let steps = stepCounter.pointee &+ 1
        stepCounter.pointee = steps
        if steps & 0xFFFF == 0 { try budget.charge(0x10000, span, source) }
        if steps > maxSteps { throw budget.record(.stepLimit(maxSteps, span, source)) }
    }

    /// Counts `count` loop iterations at once (a quantifier decided before the run), charging
    /// the shared budget for each 65,536 passed, as one step at a time would.
    @inline(__always)
    func step(count: Int, _ span: SourceSpan, _ source: SourceFile?) throws(EvaluationError) {
        guard count > 0 else { return }
        let before = stepCounter.pointee
        let steps = before &+ count
        stepCounter.pointee = steps
        let passed = (steps >> 16) - (before >> 16)
        if passed > 0 { try budget.charge(passed << 16, span, source) }
        if steps > maxSteps { throw budget.record(.stepLimit(maxSteps, span, source)) }
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
