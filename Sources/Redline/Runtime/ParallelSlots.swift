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

extension Array {
    /// The parts' elements in order, moved rather than copied: copying would retain every
    /// reference an element holds and releasing the parts would release them again, one atomic
    /// operation each, on one core while the others wait. Each part is left holding
    /// `placeholder`s (cheap values that own nothing of their own) in place of what was moved.
    static func moving(_ parts: inout [[Element]], placeholder: Element) -> [Element] {
        let total = parts.reduce(0) { $0 + $1.count }
        return [Element](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            for index in parts.indices {
                parts[index].withUnsafeMutableBufferPointer { source in
                    guard let from = source.baseAddress else { return }
                    (base + initialized).moveInitialize(from: from, count: source.count)
                    from.initialize(repeating: placeholder, count: source.count)
                    initialized += source.count
                }
            }
        }
    }
}
