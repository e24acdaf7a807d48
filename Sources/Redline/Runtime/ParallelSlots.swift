import Foundation

/// One slot per piece of a parallel loop (`DispatchQueue.concurrentPerform`): each piece writes its
/// own slot, and the slots are read in order afterwards. Every parallel phase (parsing chunks,
/// joining columns, evaluating subjects, filtering rows, writing report bytes) shares this one type.
final class ParallelSlots<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Element?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }
    init(_ elements: [Element]) { slots = elements }

    func set(_ index: Int, _ element: Element) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = element
    }

    func get(_ index: Int) -> Element? {
        lock.lock(); defer { lock.unlock() }
        return slots[index]
    }

    /// Moves an element out, so the piece that takes it owns the only reference to its storage.
    func take(_ index: Int) -> Element? {
        lock.lock(); defer { lock.unlock() }
        let element = slots[index]
        slots[index] = nil
        return element
    }

    /// The filled slots, in order.
    var all: [Element] {
        lock.lock(); defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
