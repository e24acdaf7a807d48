import Foundation

/// `redline-gen --enterprises N --seed S --out DIR [--order register|grouped]`: enterprises,
/// hazards (about 5 per enterprise, about 15% major), orders and inspections in the columns the
/// policies declare, with Chinese names, deterministic for a seed.
///
/// By default the ledgers are in register order, as agencies keep them: a hazard ledger is appended
/// as hazards are found, so its rows (and ids) run in found-on order and each names an arbitrary
/// enterprise; inspections run in date order and orders in issue order. `--order grouped` writes
/// each enterprise's records together instead (the order of earlier benchmarks). Both orders hold
/// the same records, drawn from the same random sequence; only the row order and the ids differ.
@main
enum Main {
    static func main() {
        var enterprises = 1000
        var seed: UInt64 = 1
        var out = "data"
        var grouped = false
        var arguments = CommandLine.arguments.dropFirst()
        func usage(_ message: String) -> Never {
            writeToStandardError("redline-gen: \(message)\nusage: redline-gen --enterprises N --seed S --out DIR [--order register|grouped]\n")
            exit(2)
        }
        while let argument = arguments.popFirst() {
            guard let value = arguments.popFirst() else { usage("\(argument) needs a value") }
            switch argument {
            case "--enterprises": enterprises = Int(value) ?? -1
            case "--seed":
                guard let number = UInt64(value) else { usage("--seed needs a whole number from 0 to \(UInt64.max)") }
                seed = number
            case "--out": out = value
            case "--order":
                switch value {
                case "register": grouped = false
                case "grouped": grouped = true
                default: usage("--order is `register` (rows as events happen, the default) or `grouped` (by enterprise)")
                }
            default: usage("unknown option \(argument)")
            }
        }
        if enterprises < 0 { usage("--enterprises needs a whole number") }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var generator = Generator(seed: seed)
            try generator.write(enterprises: enterprises, to: out, grouped: grouped)
        } catch {
            writeToStandardError("redline-gen: cannot write to `\(out)`: \(error.localizedDescription)\n")
            exit(1)
        }
    }
}

/// SplitMix64: small, fast and the same on every platform, so a seed always gives the same data.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

/// Buffered file output: rows are built as bytes and written in large blocks.
final class Sink {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(_ path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// The first write error (a full disk): kept, so `close` reports it rather than the
    /// generator writing on into a file that is already short.
    var failure: Error?

    func flush() {
        // The throwing `write(contentsOf:)`: the older `write(_:)` traps on a write error.
        if failure == nil {
            do { try handle.write(contentsOf: buffer) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        try? handle.close()
        if let failure { throw failure }
    }
}

struct Generator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(state: seed) }

    static let cities = ["太原", "大同", "阳泉", "长治", "晋城", "朔州", "晋中", "运城", "忻州", "临汾", "吕梁"]
    static let counties = ["小店区", "迎泽区", "杏花岭区", "清徐县", "阳曲县", "云冈区", "平城区", "郊区", "潞州区", "泽州县", "高平市",
                           "平鲁区", "榆次区", "介休市", "盐湖区", "永济市", "五台县", "原平市", "尧都区", "侯马市", "离石区", "孝义市"]
    static let words = ["晋阳", "塔山", "金石", "兰花", "潞安", "汾河", "太行", "吕梁山", "恒山", "五台", "黄河", "中条", "沁水", "霍州", "西山", "东山", "永兴", "华润", "国泰", "宏达"]
    static let industries: [(String, String, Int)] = [("coal", "煤业有限公司", 30), ("chemical", "化工有限公司", 15), ("coking", "焦化有限公司", 8),
                                                      ("mining", "矿业有限公司", 12), ("fireworks", "烟花爆竹有限公司", 5), ("metal", "金属制品有限公司", 10),
                                                      ("building materials", "建材有限公司", 10), ("storage", "危险品仓储有限公司", 5), ("power", "电力有限公司", 5)]
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
    static let givenNames = ["建国", "福生", "丽华", "志强", "长青", "永红", "明", "海燕", "国华", "建军", "立新", "雪梅", "玉兰", "振华", "秀英"]
    static let categories = ["瓦斯超限", "顶板管理", "通风系统", "危化品储存", "粉尘爆炸", "消防通道堵塞", "电气线路老化", "安全培训记录不全",
                             "应急预案未演练", "防护设施缺失", "提升机制动", "排水系统", "边坡失稳", "可燃气体报警失效"]
    /// 2023-01-01 as a day number, and a 2-year window of dates.
    static let firstDay = 19358
    static let span = 730

    static func date(_ day: Int) -> String {
        // Civil date from days since 1970-01-01 (same algorithm as the interpreter, kept separate).
        let z = day + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    static func id(_ prefix: String, _ n: Int, width: Int) -> String {
        let digits = String(n)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    mutating func pickIndustry() -> (String, String) {
        var roll = random.below(100)
        for (industry, suffix, weight) in Generator.industries {
            if roll < weight { return (industry, suffix) }
            roll -= weight
        }
        return (Generator.industries[0].0, Generator.industries[0].1)
    }

    /// One ledger row before it is written: dates as day numbers, texts as table indexes, so that
    /// 15 million hazards fit in memory for sorting.
    struct HazardRow { var enterprise: Int32, found: Int32, deadline: Int32, rectified: Int32, major: Bool, category: UInt8, county: UInt8 }
    struct OrderRow { var enterprise: Int32, issued: Int32, suspend: Bool }
    struct InspectionRow { var enterprise: Int32, day: Int32, producing: Bool }

    mutating func write(enterprises count: Int, to directory: String, grouped: Bool) throws {
        let enterprises = try Sink(directory + "/enterprises.csv")
        enterprises.write("id,name,industry,county,owner,status,employees\n")
        let width = max(7, String(count).count)
        var hazardRows: [HazardRow] = [], orderRows: [OrderRow] = [], inspectionRows: [InspectionRow] = []
        hazardRows.reserveCapacity(count * 5)
        inspectionRows.reserveCapacity(count * 3)
        for n in 1...max(count, 1) where count > 0 {
            let enterprise = Generator.id("E", n, width: width)
            let (industry, suffix) = pickIndustry()
            let countyIndex = random.below(Generator.counties.count)
            let county = Generator.counties[countyIndex]
            let name = Generator.cities[random.below(Generator.cities.count)] + Generator.words[random.below(Generator.words.count)] + suffix
            let owner = String(Generator.surnames[random.below(Generator.surnames.count)]) + Generator.givenNames[random.below(Generator.givenNames.count)]
            let status = random.chance(0.9) ? "operating" : "suspended"
            enterprises.write("\(enterprise),\(name),\(industry),\(county),\(owner),\(status),\(10 + random.below(2000))\n")
            // About 5 hazards: 0 to 10, uniformly.
            for _ in 0..<random.below(11) {
                let found = Generator.firstDay + random.below(Generator.span)
                let deadline = found + 7 + random.below(90)
                var rectified = -1
                let roll = random.below(100)
                if roll < 55 { rectified = found + random.below(max(1, deadline - found + 1)) } // on time, or on the deadline
                else if roll < 75 { rectified = deadline + 1 + random.below(60) } // late
                let major = random.chance(0.15)
                let category = random.below(Generator.categories.count)
                hazardRows.append(HazardRow(enterprise: Int32(n), found: Int32(found), deadline: Int32(deadline), rectified: Int32(rectified),
                                            major: major, category: UInt8(category), county: UInt8(countyIndex)))
            }
            // About one enterprise in ten has an order; inspections about 3 each.
            var hasOrder = false
            if random.chance(0.1) {
                hasOrder = true
                let issued = Generator.firstDay + random.below(Generator.span)
                orderRows.append(OrderRow(enterprise: Int32(n), issued: Int32(issued), suspend: random.chance(0.7)))
            }
            for _ in 0..<random.below(7) {
                let day = Generator.firstDay + random.below(Generator.span)
                inspectionRows.append(InspectionRow(enterprise: Int32(n), day: Int32(day), producing: random.chance(hasOrder ? 0.3 : 0.9)))
            }
        }
        try enterprises.close()
        if !grouped {
            // Register order: by date, ties kept in the order the records were drawn (a stable sort
            // on the index), so the files are the same for a seed on every platform.
            hazardRows = Generator.stableSorted(hazardRows) { $0.found }
            orderRows = Generator.stableSorted(orderRows) { $0.issued }
            inspectionRows = Generator.stableSorted(inspectionRows) { $0.day }
        }
        func name(_ n: Int32) -> String { Generator.id("E", Int(n), width: width) }

        let hazards = try Sink(directory + "/hazards.csv")
        hazards.write("id,enterprise_id,level,category,found_on,deadline,rectified_on,responsible_unit\n")
        for (index, row) in hazardRows.enumerated() {
            let rectified = row.rectified < 0 ? "" : Generator.date(Int(row.rectified))
            hazards.write("\(Generator.id("H", index + 1, width: width + 1)),\(name(row.enterprise)),\(row.major ? "major" : "general"),"
                + "\(Generator.categories[Int(row.category)]),\(Generator.date(Int(row.found))),\(Generator.date(Int(row.deadline))),"
                + "\(rectified),\(Generator.counties[Int(row.county)])应急管理局\n")
        }
        try hazards.close()

        let orders = try Sink(directory + "/orders.csv")
        orders.write("id,enterprise_id,kind,issued_on\n")
        for (index, row) in orderRows.enumerated() {
            orders.write("\(Generator.id("O", index + 1, width: width)),\(name(row.enterprise)),\(row.suspend ? "suspend" : "close"),\(Generator.date(Int(row.issued)))\n")
        }
        try orders.close()

        let inspections = try Sink(directory + "/inspections.csv")
        inspections.write("id,enterprise_id,date,producing\n")
        for (index, row) in inspectionRows.enumerated() {
            inspections.write("\(Generator.id("I", index + 1, width: width + 1)),\(name(row.enterprise)),\(Generator.date(Int(row.day))),\(row.producing)\n")
        }
        try inspections.close()
    }

    /// `rows` ordered by `day`, rows of the same day in their original order.
    static func stableSorted<Row>(_ rows: [Row], by day: (Row) -> Int32) -> [Row] {
        var order = Array(rows.indices)
        order.sort { a, b in
            let dayA = day(rows[a]), dayB = day(rows[b])
            return dayA != dayB ? dayA < dayB : a < b
        }
        return order.map { rows[$0] }
    }
}

/// A message on standard error through write(2) (`FileHandle.write(_:)` traps when a write fails).
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
