/// Running a program's rules over loaded data.
extension Program {
    /// Evaluates every rule for every subject as of `date`. The dataset must come from this
    /// program's `loadData`. Safe to call from several threads at once.
    public func run(on data: Dataset, asOf date: CalendarDate, limits: EvaluationLimits = EvaluationLimits(),
                    cancellation: CancellationFlag? = nil, detail: RunDetail = .everyRule) -> RunResult {
        var engine = RuleEngine(program: checked, dataset: data, limits: limits, cancellation: cancellation)
        engine.detail = detail
        if detail == .jsonReport { engine.jsonWriter = ReportWriter(program: self, dataset: data) }
        return engine.run(asOf: date)
    }

    /// Every rule's outcome for one subject (looked up by key in the rules' subject tables), with
    /// the reasons in plain sentences (in `language`); nil if no subject has that key. A limit
    /// reached (steps, the deadline, `cancellation`) makes the rules it stopped `failed`, with
    /// the limit as their reason.
    public func explain(subject key: String, on data: Dataset, asOf date: CalendarDate,
                        limits: EvaluationLimits = EvaluationLimits(), cancellation: CancellationFlag? = nil,
                        language: Language = .en) -> Explanation? {
        Explainer(program: checked, dataset: data, limits: limits, cancellation: cancellation, language: language).explain(subject: key, asOf: date)
    }
}
