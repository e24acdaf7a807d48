/// "Did you mean …?": the nearest known name to a misspelt one.
enum Suggestions {
    /// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
    static func nearest<S: Sequence>(to name: String, in candidates: S) -> String? where S.Element == String {
        let target = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let other = Array(candidate.lowercased())
            // Allow about one edit per three characters, and at least one.
            let allowed = max(1, min(target.count, other.count) / 3)
            guard abs(other.count - target.count) <= allowed else { continue }
            let distance = editDistance(target, other)
            // Replacing every character of a one-letter name is no suggestion.
            if distance <= allowed, distance < target.count, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            previousPrevious = previous
            previous = current
        }
        return previous[b.count]
    }

    /// The hint text for a suggestion.
    static func hint(_ suggestion: String?) -> LocalizedText? {
        guard let suggestion else { return nil }
        return LocalizedText("did you mean `\(suggestion)`?", zh: "是不是想写 `\(suggestion)`?")
    }
}
