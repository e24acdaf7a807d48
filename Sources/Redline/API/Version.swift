/// The version of Redline, and what its built-in data covers: printed by `redline --version`
/// and worth recording beside a decision, since the built-in holiday calendar changes with it.
public enum RedlineVersion {
    /// The version number, as `redline --version`, JSON reports and `redline_version()` give it.
    public static let number = "0.10.0"
    /// `redline 0.10.0 (holiday calendar cn 2004–2026, sha256 …)`.
    public static var description: String {
        let calendar = WorkCalendar.china
        let years = calendar.years.map { "\($0.lowerBound)–\($0.upperBound)" } ?? "none"
        return "redline \(number) (holiday calendar \(calendar.name) \(years), sha256 \(calendar.sha256 ?? "?"))"
    }
}
