import Foundation
import Kernel
import Report
import TestSupport
import XCTest

/// class.html as a browser shows it: Debian's chromium, headless, takes a screenshot of a page made from known
/// statuses, and the screenshot is read for its shape, not its pixels: the coloured cells form a grid of learners ×
/// checks, each cell of the hue of its status, the learner without a report one violet band across the checks, the
/// pass rates lighter the fewer passed. A hint that tried to close the table and draw a red block of its own would
/// add a block to the grid.
///
/// chromium runs in a private sandbox with a PID namespace of its own (`netcheck sandbox --pid --time-limit`): no
/// network (the page needs none), and at its end, or at the time limit, everything it started dies with it, also
/// the crash handler that leaves chromium's process group. Its profile, HOME and TMPDIR are in the test's folder,
/// removed afterwards.
final class ClassPageBrowserTests: XCTestCase {
    static let checks = ["ns1.netns", "router.ip_forward", "ns1.ping.198.51.100.1"]

    /// alice passes; bob fails the sysctl (the ping is then skipped); carol's ping cannot be looked at (error); dave
    /// has no namespace (everything after it skipped); erin's file cannot be read.
    static let statuses: [String: [CheckStatus]] = [
        "alice": [.pass, .pass, .pass],
        "bob": [.pass, .fail, .skipped],
        "carol": [.pass, .pass, .error],
        "dave": [.fail, .skipped, .skipped],
    ]

    static func table() -> ClassTable {
        // A hostile hint: escaped, it is text; unescaped, it would end the table and draw a red block.
        let hostile = "</td></tr></table><div style=\"background:#c62828;width:600px;height:80px\">x</div><table><tr><td>"
        var rows = statuses.map { learner, statuses in
            ClassRow(learner: learner, outcome: .graded(Report(exercise: "chapter3-router", title: "Router", checks: zip(checks, statuses).map { id, status in
                CheckResult(id: id, title: id, status: status, expected: "x", observed: status == .pass ? "x" : "y",
                            hint: status == .fail ? "Set it: `sysctl net.ipv4.ip_forward=1`. " + hostile : "")
            }, durationMs: 10, netcheckVersion: "0")))
        }
        rows.append(ClassRow(learner: "erin", outcome: .unreadable(.init("/x/erin.txt is empty \"<b>\" 'q' &amp;"))))
        return ClassTable(exercise: "chapter3-router", rows: rows)
    }

    /// What a screenshot pixel says: the colour of one status, or nothing (page, text, borders).
    enum Hue: String { case green, red, orange, grey, violet }

    static func hue(_ r: Int, _ g: Int, _ b: Int) -> Hue? {
        let high = max(r, g, b), low = min(r, g, b), chroma = high - low
        if chroma < 16 { return (120...200).contains(high) ? .grey : nil }
        if high > 250 && chroma < 24 { return nil }
        var h: Double
        let c = Double(chroma)
        if high == r { h = 60 * (Double(g - b) / c) } else if high == g { h = 60 * (Double(b - r) / c + 2) } else { h = 60 * (Double(r - g) / c + 4) }
        if h < 0 { h += 360 }
        switch h {
        case ..<12, 345...: return .red
        case 18..<45: return .orange
        case 90..<160: return .green
        case 260..<320: return .violet
        default: return nil
        }
    }

    /// A block of one hue: its bounding box and mean colour.
    struct Block: CustomStringConvertible {
        var hue: Hue
        var minX: Int, minY: Int, maxX: Int, maxY: Int
        var mean: (r: Double, g: Double, b: Double)
        var width: Int { maxX - minX + 1 }
        var height: Int { maxY - minY + 1 }
        var centreY: Int { (minY + maxY) / 2 }
        var lightness: Double { 0.2126 * mean.r + 0.7152 * mean.g + 0.0722 * mean.b }
        var description: String { "\(hue.rawValue) \(width)x\(height) at \(minX),\(minY)" }
    }

    /// A binary PPM (P6, maxval 255), as pngtopnm writes it: width, height, RGB bytes.
    static func readPPM(_ bytes: [UInt8]) throws -> (width: Int, height: Int, pixels: ArraySlice<UInt8>) {
        var i = 0, fields: [Int] = []
        func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[i]) || bytes[i] == 0x23 {
            if bytes[i] == 0x23 { while i < bytes.count, bytes[i] != 0x0a { i += 1 } } else { i += 1 } } }
        guard bytes.starts(with: [0x50, 0x36]) else { throw ThreadSandbox.Failure(description: "not a P6 PPM") }
        i = 2
        while fields.count < 3 {
            skipSpace()
            var n = 0, digits = 0
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { n = n * 10 + Int(bytes[i] - 0x30); i += 1; digits += 1 }
            guard digits > 0 else { throw ThreadSandbox.Failure(description: "bad PPM header") }
            fields.append(n)
        }
        i += 1
        guard fields[2] == 255, bytes.count - i >= fields[0] * fields[1] * 3 else { throw ThreadSandbox.Failure(description: "bad PPM size") }
        return (fields[0], fields[1], bytes[i..<(i + fields[0] * fields[1] * 3)])
    }

    /// The blocks of one hue at least `minimum` pixels wide and high (text and the legend's swatches are smaller),
    /// as 4-connected regions; the symbols inside a cell are holes in it, not its edge.
    static func blocks(_ ppm: (width: Int, height: Int, pixels: ArraySlice<UInt8>), minimum: Int = 18) -> [Block] {
        let w = ppm.width, h = ppm.height, base = ppm.pixels.startIndex
        var hues = [Hue?](repeating: nil, count: w * h)
        for p in 0..<(w * h) {
            let o = base + p * 3
            hues[p] = hue(Int(ppm.pixels[o]), Int(ppm.pixels[o + 1]), Int(ppm.pixels[o + 2]))
        }
        var seen = [Bool](repeating: false, count: w * h), found: [Block] = []
        for start in 0..<(w * h) where !seen[start] && hues[start] != nil {
            let hue = hues[start]!
            var stack = [start], block = Block(hue: hue, minX: w, minY: h, maxX: 0, maxY: 0, mean: (0, 0, 0)), count = 0.0
            seen[start] = true
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                block.minX = min(block.minX, x); block.maxX = max(block.maxX, x)
                block.minY = min(block.minY, y); block.maxY = max(block.maxY, y)
                let o = base + p * 3
                block.mean.r += Double(ppm.pixels[o]); block.mean.g += Double(ppm.pixels[o + 1]); block.mean.b += Double(ppm.pixels[o + 2])
                count += 1
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < w && ny < h {
                    let q = ny * w + nx
                    if !seen[q] && hues[q] == hue { seen[q] = true; stack.append(q) }
                }
            }
            block.mean = (block.mean.r / count, block.mean.g / count, block.mean.b / count)
            if block.width >= minimum && block.height >= minimum { found.append(block) }
        }
        return found
    }

    /// The blocks in rows (their centres within a few pixels), top to bottom, each row left to right.
    static func rows(_ blocks: [Block]) -> [[Block]] {
        var rows: [[Block]] = []
        for block in blocks.sorted(by: { $0.centreY < $1.centreY }) {
            if let last = rows.last?.first, abs(last.centreY - block.centreY) <= 4 { rows[rows.count - 1].append(block) } else { rows.append([block]) }
        }
        return rows.map { $0.sorted { $0.minX < $1.minX } }
    }

    /// The program `name` in PATH, or nil.
    static func program(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]).map { $0 + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The PIDs whose command line mentions `text`.
    static func processes(mentioning text: String) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { Int32($0) }.filter { $0 != getpid() }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    func testTheHeatMapIsAGridOfStatusColours() throws {
        // Not a skip: `make test` installs both (the Makefile's DEB_PACKAGES); a machine without them fails here.
        guard let chromium = Self.program("chromium") else { return XCTFail("chromium is not installed (make deps installs it)") }
        guard let pngtopnm = Self.program("pngtopnm") else { return XCTFail("pngtopnm is not installed (netpbm; make deps installs it)") }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-page-\(UUID().uuidString)")
        for sub in ["home", "tmp", "profile"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("class.html"), shot = dir.appendingPathComponent("shot.png")
        try Self.table().html(language: .en).write(to: page, atomically: true, encoding: .utf8)

        let argv = [TestPaths.netcheck, "sandbox", "--pid", "--time-limit", "60", "--",
                    chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                    "--user-data-dir=" + dir.appendingPathComponent("profile").path, "--screenshot=" + shot.path,
                    "--window-size=1000,700", page.absoluteString]
        let home = dir.appendingPathComponent("home").path
        let options = Subprocess.Options(environment: Subprocess.environment(adding: [
            "HOME": home, "XDG_CONFIG_HOME": home + "/.config", "XDG_CACHE_HOME": home + "/.cache",
            "TMPDIR": dir.appendingPathComponent("tmp").path]))
        let started = Date()
        // The sandbox ends chromium at 60 s; this deadline only in case the sandbox itself does not end.
        let finished = try Subprocess.run(argv, options, deadline: Monotonic.microseconds() + 90_000_000)
        let elapsed = Date().timeIntervalSince(started)
        let stderr = String(decoding: finished.stderr, as: UTF8.self)
        let left = Self.processes(mentioning: dir.path)
        for pid in left { kill(pid, SIGKILL) }
        XCTAssertEqual(left, [], "chromium left processes behind")
        XCTAssertEqual(finished.exitStatus, 0, String(stderr.suffix(2000)))
        XCTAssertLessThan(elapsed, 60)
        XCTAssertTrue(FileManager.default.fileExists(atPath: shot.path), String(stderr.suffix(2000)))

        let converted = try Subprocess.run([pngtopnm, shot.path], Subprocess.Options(), deadline: Monotonic.microseconds() + 30_000_000)
        XCTAssertEqual(converted.exitStatus, 0, String(decoding: converted.stderr, as: UTF8.self))
        let ppm = try Self.readPPM(converted.stdout)
        XCTAssertEqual([ppm.width, ppm.height], [1000, 700])

        let rows = Self.rows(Self.blocks(ppm))
        let hues: [[Hue]] = rows.map { $0.map(\.hue) }
        func expected(_ s: CheckStatus) -> Hue { [.pass: .green, .fail: .red, .skipped: .grey, .error: .orange][s]! }
        // alice, bob, carol, dave (sorted), erin's band, then the pass rates.
        let learners = ["alice", "bob", "carol", "dave"]
        XCTAssertEqual(hues, learners.map { Self.statuses[$0]!.map(expected) } + [[.violet], [.green, .green, .green]],
                       rows.map { $0.map(\.description).joined(separator: ", ") }.joined(separator: "\n"))
        guard hues.count == 6, rows.allSatisfy({ !$0.isEmpty }) else { return }

        // A grid: the same columns in every row, each cell as wide as the others of its column, rows apart.
        let columns = rows[0]
        for (r, row) in rows.enumerated() where row.count == 3 {
            for (c, cell) in row.enumerated() {
                XCTAssertEqual(Double(cell.minX), Double(columns[c].minX), accuracy: 2, "row \(r), column \(c): \(cell)")
                XCTAssertEqual(Double(cell.maxX), Double(columns[c].maxX), accuracy: 2, "row \(r), column \(c): \(cell)")
            }
            XCTAssertGreaterThan(columns[1].minX, columns[0].maxX)
            XCTAssertGreaterThan(columns[2].minX, columns[1].maxX)
        }
        for r in 1..<rows.count { XCTAssertGreaterThan(rows[r][0].minY, rows[r - 1][0].maxY, "rows \(r - 1) and \(r) overlap") }
        // erin's band spans the three check columns.
        let band = rows[4][0]
        XCTAssertEqual(Double(band.minX), Double(columns[0].minX), accuracy: 2, "\(band)")
        XCTAssertEqual(Double(band.maxX), Double(columns[2].maxX), accuracy: 2, "\(band)")
        // Pass rates 60%, 40%, 20%: the fewer passed, the lighter; all lighter than a passed cell.
        let rates = rows[5]
        XCTAssertLessThan(rates[0].lightness, rates[1].lightness)
        XCTAssertLessThan(rates[1].lightness, rates[2].lightness)
        XCTAssertLessThan(rows[0][0].lightness, rates[0].lightness)
    }
}
