import Foundation

/// `redline-gen --enterprises N --seed S --out DIR`: enterprises, hazards (about 5 per enterprise,
/// about 15% major), orders and inspections in the columns the policies declare, with Chinese
/// names, deterministic for a seed.
@main
enum Main {
    static func main() {
        var enterprises = 1000
        var seed: UInt64 = 1
        var out = "data"
        var arguments = CommandLine.arguments.dropFirst()
        func usage(_ message: String) -> Never {
            writeToStandardError("redline-gen: \(message)\nusage: redline-gen --enterprises N --seed S --out DIR\n")
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
            default: usage("unknown option \(argument)")
            }
        }
        if enterprises < 0 { usage("--enterprises needs a whole number") }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var generator = Generator(seed: seed)
            try generator.write(enterprises: enterprises, to: out)
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

    mutating func write(enterprises count: Int, to directory: String) throws {
        let enterprises = try Sink(directory + "/enterprises.csv")
        let hazards = try Sink(directory + "/hazards.csv")
        let orders = try Sink(directory + "/orders.csv")
        let inspections = try Sink(directory + "/inspections.csv")
        enterprises.write("id,name,industry,county,owner,status,employees\n")
        hazards.write("id,enterprise_id,level,category,found_on,deadline,rectified_on,responsible_unit\n")
        orders.write("id,enterprise_id,kind,issued_on\n")
        inspections.write("id,enterprise_id,date,producing\n")
        let width = max(7, String(count).count)
        var hazardCount = 0, orderCount = 0, inspectionCount = 0
        for n in 1...max(count, 1) where count > 0 {
            let enterprise = Generator.id("E", n, width: width)
            let (industry, suffix) = pickIndustry()
            let county = Generator.counties[random.below(Generator.counties.count)]
            let name = Generator.cities[random.below(Generator.cities.count)] + Generator.words[random.below(Generator.words.count)] + suffix
            let owner = String(Generator.surnames[random.below(Generator.surnames.count)]) + Generator.givenNames[random.below(Generator.givenNames.count)]
            let status = random.chance(0.9) ? "operating" : "suspended"
            enterprises.write("\(enterprise),\(name),\(industry),\(county),\(owner),\(status),\(10 + random.below(2000))\n")
            // About 5 hazards: 0 to 10, uniformly.
            for _ in 0..<random.below(11) {
                hazardCount += 1
                let found = Generator.firstDay + random.below(Generator.span)
                let deadline = found + 7 + random.below(90)
                var rectified = ""
                let roll = random.below(100)
                if roll < 55 { rectified = Generator.date(found + random.below(max(1, deadline - found + 1))) } // on time, or on the deadline
                else if roll < 75 { rectified = Generator.date(deadline + 1 + random.below(60)) } // late
                let level = random.chance(0.15) ? "major" : "general"
                let category = Generator.categories[random.below(Generator.categories.count)]
                hazards.write("\(Generator.id("H", hazardCount, width: width + 1)),\(enterprise),\(level),\(category),\(Generator.date(found)),\(Generator.date(deadline)),\(rectified),\(county)应急管理局\n")
            }
            // About one enterprise in ten has an order; inspections about 3 each.
            var orderDays: [Int] = []
            if random.chance(0.1) {
                orderCount += 1
                let issued = Generator.firstDay + random.below(Generator.span)
                orderDays.append(issued)
                let kind = random.chance(0.7) ? "suspend" : "close"
                orders.write("\(Generator.id("O", orderCount, width: width)),\(enterprise),\(kind),\(Generator.date(issued))\n")
            }
            for _ in 0..<random.below(7) {
                inspectionCount += 1
                let day = Generator.firstDay + random.below(Generator.span)
                let producing = random.chance(orderDays.isEmpty ? 0.9 : 0.3)
                inspections.write("\(Generator.id("I", inspectionCount, width: width + 1)),\(enterprise),\(Generator.date(day)),\(producing)\n")
            }
        }
        for sink in [enterprises, hazards, orders, inspections] { try sink.close() }
    }
}

/// A message on standard error through write(2) (`FileHandle.write(_:)` traps when a write fails).
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
