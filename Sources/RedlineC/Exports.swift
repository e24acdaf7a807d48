import CRedline
import Foundation
import Redline

// The functions of include/redline.h, in its order. Each checks its arguments before any work
// and reports every failure as a status and a message; none may trap on what a caller passes.

// Static strings: made once, never freed.
nonisolated(unsafe) private let versionText: UnsafeMutablePointer<CChar>? = strdup(RedlineVersion.number)
nonisolated(unsafe) private let statusNames: [UnsafeMutablePointer<CChar>?] = (0...6).map { strdup(Status(rawValue: Int32($0))?.name ?? "?") }
nonisolated(unsafe) private let unknownStatus: UnsafeMutablePointer<CChar>? = strdup("?")

/// `redline_version` of include/redline.h, which documents it.
@_cdecl("redline_version")
public func redline_version() -> UnsafePointer<CChar>? {
    UnsafePointer(versionText)
}

/// `redline_status_name` of include/redline.h, which documents it.
@_cdecl("redline_status_name")
public func redline_status_name(_ status: Int32) -> UnsafePointer<CChar>? {
    guard status >= 0, Int(status) < statusNames.count else { return UnsafePointer(unknownStatus) }
    return UnsafePointer(statusNames[Int(status)])
}

/// `redline_compile` of include/redline.h, which documents it.
@_cdecl("redline_compile")
public func redline_compile(_ names: UnsafePointer<UnsafePointer<CChar>?>?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?, _ error: TextOut) -> Int32 {
    out?.pointee = nil
    return perform(error) { () throws(Failure) in
        guard let out else { throw Failure(.invalidArgument, "program is NULL") }
        guard count >= 0, count <= 100_000 else { throw Failure(.invalidArgument, "count \(count) is not a number of rule files") }
        guard count == 0 || (names != nil && texts != nil) else { throw Failure(.invalidArgument, "names or texts is NULL") }
        var sources: [RuleSource] = []
        for index in 0..<count {
            let name = try text(names?[index], "names[\(index)]")
            let body = try text(texts?[index], "texts[\(index)]")
            sources.append(RuleSource(name: name, text: body))
        }
        let program = Program.compile(sources)
        out.pointee = Handles.shared.add(ProgramHandle(program))
        if program.hasErrors { throw Failure(.compileError, DiagnosticRenderer.text(program.diagnostics)) }
    }
}

/// `redline_diagnostics` of include/redline.h, which documents it.
@_cdecl("redline_diagnostics")
public func redline_diagnostics(_ handle: OpaquePointer?, _ format: UnsafePointer<CChar>?, _ language: UnsafePointer<CChar>?,
                                _ out: TextOut, _ error: TextOut) -> Int32 {
    out?.pointee = nil
    return perform(error) { () throws(Failure) in
        try requireOut(out, "out")
        let program = try program(handle)
        let language = try CRedline_language(language)
        switch try optionalText(format, "format") ?? "text" {
        case "text": out?.pointee = copied(DiagnosticRenderer.text(program.diagnostics, language: language))
        case "json": out?.pointee = copied(DiagnosticRenderer.json(program.diagnostics, language: language))
        case let other: throw Failure(.invalidArgument, "unknown diagnostics format `\(other)` (text or json)")
        }
    }
}

/// `redline_load_directory` of include/redline.h, which documents it.
@_cdecl("redline_load_directory")
public func redline_load_directory(_ handle: OpaquePointer?, _ directory: UnsafePointer<CChar>?, _ calendar: UnsafePointer<CChar>?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?, _ error: TextOut) -> Int32 {
    out?.pointee = nil
    return perform(error) { () throws(Failure) in
        guard let out else { throw Failure(.invalidArgument, "dataset is NULL") }
        let program = try program(handle)
        let folder = try text(directory, "directory")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw Failure(.dataError, "`\(folder)` is not a folder")
        }
        let loaded = program.loadData(directory: folder, options: try loadOptions(calendar))
        guard let dataset = loaded.dataset else { throw dataFailure(loaded) }
        out.pointee = Handles.shared.add(DatasetHandle(program, dataset))
    }
}

/// `redline_load_csv` of include/redline.h, which documents it.
@_cdecl("redline_load_csv")
public func redline_load_csv(_ handle: OpaquePointer?, _ tables: UnsafePointer<UnsafePointer<CChar>?>?, _ csv: UnsafePointer<UnsafePointer<CChar>?>?,
                             _ count: Int, _ calendar: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ error: TextOut) -> Int32 {
    out?.pointee = nil
    return perform(error) { () throws(Failure) in
        guard let out else { throw Failure(.invalidArgument, "dataset is NULL") }
        let program = try program(handle)
        guard count >= 0, count <= 100_000 else { throw Failure(.invalidArgument, "count \(count) is not a number of tables") }
        guard count == 0 || (tables != nil && csv != nil) else { throw Failure(.invalidArgument, "tables or csv is NULL") }
        var texts: [String: String] = [:]
        for index in 0..<count {
            let name = try text(tables?[index], "tables[\(index)]")
            guard texts[name] == nil else { throw Failure(.invalidArgument, "table `\(name)` is given twice") }
            texts[name] = try text(csv?[index], "csv[\(index)]")
        }
        let loaded = program.loadData(csvTexts: texts, options: try loadOptions(calendar))
        guard let dataset = loaded.dataset else { throw dataFailure(loaded) }
        out.pointee = Handles.shared.add(DatasetHandle(program, dataset))
    }
}

/// `redline_run` of include/redline.h, which documents it.
@_cdecl("redline_run")
public func redline_run(_ programHandle: OpaquePointer?, _ datasetHandle: OpaquePointer?, _ asOf: UnsafePointer<CChar>?,
                        _ format: UnsafePointer<CChar>?, _ limitsPointer: UnsafePointer<redline_limits>?, _ cancel: OpaquePointer?,
                        _ report: TextOut, _ error: TextOut) -> Int32 {
    report?.pointee = nil
    return perform(error) { () throws(Failure) in
        try requireOut(report, "report")
        let program = try program(programHandle)
        guard let data = try dataset(datasetHandle, of: program) else { throw Failure(.invalidArgument, "dataset is NULL") }
        let date = try date(asOf)
        let formatName = try optionalText(format, "format") ?? "table"
        guard let reportFormat = ReportFormat(rawValue: formatName) else {
            throw Failure(.invalidArgument, "unknown report format `\(formatName)` (table, csv or json)")
        }
        let result = program.run(on: data, asOf: date, limits: limits(limitsPointer), cancellation: try cancellation(cancel),
                                 detail: reportFormat == .json ? .everyRule : .decidingRule)
        if let stop = result.stopped {
            throw Failure(.stopped, "the run was stopped: \(stop.message()); \(stop.subjectsEvaluated) of \(result.subjectCount) subjects were evaluated")
        }
        report?.pointee = copied(ReportWriter(program: program, dataset: data).render(result, as: reportFormat))
        let failed = result.ruleCounts.reduce(0) { $0 + $1.failed }
        if failed > 0 { throw Failure(.evaluationError, "\(failed) rule outcome\(failed == 1 ? "" : "s") failed (see the report)") }
    }
}

/// `redline_explain` of include/redline.h, which documents it.
@_cdecl("redline_explain")
public func redline_explain(_ programHandle: OpaquePointer?, _ datasetHandle: OpaquePointer?, _ subject: UnsafePointer<CChar>?,
                            _ asOf: UnsafePointer<CChar>?, _ language: UnsafePointer<CChar>?, _ limitsPointer: UnsafePointer<redline_limits>?,
                            _ cancel: OpaquePointer?, _ out: TextOut, _ error: TextOut) -> Int32 {
    out?.pointee = nil
    return perform(error) { () throws(Failure) in
        try requireOut(out, "text")
        let program = try program(programHandle)
        guard let data = try dataset(datasetHandle, of: program) else { throw Failure(.invalidArgument, "dataset is NULL") }
        let key = try text(subject, "subject")
        guard let explanation = program.explain(subject: key, on: data, asOf: try date(asOf), limits: limits(limitsPointer),
                                                cancellation: try cancellation(cancel), language: try CRedline_language(language)) else {
            throw Failure(.notFound, "no subject has the key `\(key)`")
        }
        out?.pointee = copied(explanation.text)
    }
}

/// `redline_evaluate` of include/redline.h, which documents it.
@_cdecl("redline_evaluate")
public func redline_evaluate(_ programHandle: OpaquePointer?, _ datasetHandle: OpaquePointer?, _ expression: UnsafePointer<CChar>?,
                             _ asOf: UnsafePointer<CChar>?, _ limitsPointer: UnsafePointer<redline_limits>?, _ cancel: OpaquePointer?,
                             _ value: TextOut, _ error: TextOut) -> Int32 {
    value?.pointee = nil
    return perform(error) { () throws(Failure) in
        try requireOut(value, "value")
        let program = try program(programHandle)
        let data = try dataset(datasetHandle, of: program, optional: true)
        let result = program.evaluate(try text(expression, "expression"), asOf: try date(asOf), data: data,
                                      limits: limits(limitsPointer), cancellation: try cancellation(cancel))
        guard let literal = result.literal else {
            let stopped = result.diagnostics.contains { $0.message == "interrupted" || $0.message.hasPrefix("the evaluation took") }
            throw Failure(stopped ? .stopped : .evaluationError, DiagnosticRenderer.text(result.diagnostics))
        }
        value?.pointee = copied(literal)
    }
}

/// `redline_cancel_new` of include/redline.h, which documents it.
@_cdecl("redline_cancel_new")
public func redline_cancel_new() -> OpaquePointer? {
    Handles.shared.add(CancelHandle())
}

/// `redline_cancel_request` of include/redline.h, which documents it.
@_cdecl("redline_cancel_request")
public func redline_cancel_request(_ handle: OpaquePointer?) -> Int32 {
    guard let box = Handles.shared.get(handle, as: CancelHandle.self) else { return Status.invalidArgument.rawValue }
    box.flag.cancel()
    return Status.ok.rawValue
}

/// `redline_free_program` of include/redline.h, which documents it.
@_cdecl("redline_free_program")
public func redline_free_program(_ handle: OpaquePointer?) { Handles.shared.remove(handle, as: ProgramHandle.self) }

/// `redline_free_dataset` of include/redline.h, which documents it.
@_cdecl("redline_free_dataset")
public func redline_free_dataset(_ handle: OpaquePointer?) { Handles.shared.remove(handle, as: DatasetHandle.self) }

/// `redline_free_cancel` of include/redline.h, which documents it.
@_cdecl("redline_free_cancel")
public func redline_free_cancel(_ handle: OpaquePointer?) { Handles.shared.remove(handle, as: CancelHandle.self) }

/// `redline_free_string` of include/redline.h, which documents it.
@_cdecl("redline_free_string")
public func redline_free_string(_ text: UnsafeMutablePointer<CChar>?) { free(text) }

/// `redline_live_handles` of include/redline.h, which documents it.
@_cdecl("redline_live_handles")
public func redline_live_handles() -> Int64 { Int64(Handles.shared.count) }

/// The language option (named apart from the parameters called `language`).
func CRedline_language(_ pointer: UnsafePointer<CChar>?) throws(Failure) -> Language { try language(pointer) }
