import Foundation
import TestSupport
import XCTest

/// What the product is made of, read from the built binary and the sources: the libraries the dynamic linker loads
/// (no Foundation, no ICU: 30 MB and a slower start for nothing netcheck uses), and the layering the README promises.
final class ProductTests: XCTestCase {
    /// Libraries netcheck must not load. FoundationEssentials is not among them: swift-argument-parser 1.8 imports it
    /// (`internal import FoundationEssentials`, Sources/ArgumentParser/Utilities/Foundation.swift) whenever the
    /// toolchain has it; it is the small half of Foundation, without ICU.
    static func forbidden(_ library: String) -> Bool {
        let name = library.lowercased()
        if name.hasPrefix("libfoundationessentials.") { return false }
        return name.hasPrefix("libfoundation") || name.hasPrefix("lib_foundation") || name.hasPrefix("libicu")
    }

    /// The built netcheck binaries: the one the tests run, and the release build when it is at least as new.
    static func binaries() -> [String] {
        var paths = [TestPaths.netcheck]
        let release = TestPaths.packageRoot.appendingPathComponent(".build/release/netcheck").path
        func modified(_ path: String) -> Date? { (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date }
        if release != TestPaths.netcheck, let r = modified(release), let d = modified(TestPaths.netcheck), r >= d { paths.append(release) }
        return paths
    }

    func testTheBinaryLoadsNeitherFoundationNorICU() throws {
        for path in Self.binaries() {
            let needed = try ELF.needed(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            XCTAssertTrue(needed.contains("libc.so.6"), "\(path): \(needed)")
            XCTAssertTrue(needed.contains("libpcap.so.0.8"), "\(path): \(needed)")
            XCTAssertEqual(needed.filter(Self.forbidden), [], "\(path) needs \(needed)")
            // The same list as readelf's, where binutils is installed.
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/readelf") {
                let r = try runProcess("/usr/bin/readelf", ["-d", path])
                let listed = r.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
                    .compactMap { $0.split(separator: "[").last?.split(separator: "]").first.map(String.init) }
                XCTAssertEqual(listed, needed, path)
            }
        }
    }

    func testTheELFReaderFindsWhatALibraryNeeds() throws {
        // The test bundle itself links Foundation (XCTest does): the reader must see it.
        let bundle = try ELF.needed(Array(try Data(contentsOf: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath())))
        XCTAssertTrue(bundle.contains(where: Self.forbidden) || bundle.contains("libXCTest.so"), "\(bundle)")
        XCTAssertThrowsError(try ELF.needed(Array("#!/bin/sh\n".utf8)))
        XCTAssertThrowsError(try ELF.needed([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))
    }

    /// The product's modules (all of Sources/ but TestSupport) import no Foundation, also not through Dispatch's
    /// Foundation overlay; the layering of README "Layout" holds.
    func testTheSourcesKeepTheLayers() throws {
        let sources = TestPaths.packageRoot.appendingPathComponent("Sources")
        var imports: [String: Set<String>] = [:]   // module -> modules it imports
        var setnsCallers: [String] = []
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted() where module != "TestSupport" {
            let dir = sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(atPath: dir.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    if let i = words.firstIndex(of: "import"), i + 1 < words.count, words[..<i].allSatisfy({ ["@testable", "internal", "public", "private", "@_exported"].contains($0) }) {
                        imports[module, default: []].insert(String(words[i + 1]))
                    }
                }
                if text.contains("nc_setns(") { setnsCallers.append("\(module)/\(file)") }
            }
        }
        for (module, used) in imports {
            XCTAssertTrue(used.isDisjoint(with: ["Foundation", "FoundationEssentials", "FoundationInternationalization", "Dispatch"]),
                          "\(module) imports \(used.sorted())")
        }
        XCTAssertEqual(imports["Addresses"] ?? [], [], "Addresses is the leaf: it imports nothing")
        XCTAssertFalse(imports["Packets"]?.contains("NetlinkWire") ?? true, "Packets decodes frames without rtnetlink")
        XCTAssertEqual(imports["Packets"], ["Addresses"])
        XCTAssertEqual(setnsCallers.sorted(), ["Kernel/NetworkNamespace.swift", "Kernel/Sandbox.swift"],
                       "setns is called by NetworkNamespace.run and Sandbox only")
        let testSupport = try String(contentsOf: sources.appendingPathComponent("TestSupport/ThreadSandbox.swift"), encoding: .utf8)
        XCTAssertFalse(testSupport.contains("setns"))
    }
}

/// The DT_NEEDED entries of a 64-bit little-endian ELF file (what `readelf -d` lists as NEEDED), read from its
/// program headers: PT_DYNAMIC gives the dynamic section, DT_STRTAB the string table (an address, mapped to the file
/// through the PT_LOAD that holds it).
enum ELF {
    struct Malformed: Error { var reason: String }

    static func needed(_ bytes: [UInt8]) throws -> [String] {
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw Malformed(reason: "ends at \(at)") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u64(_ at: Int) throws -> UInt64 {
            guard at >= 0, at + 8 <= bytes.count else { throw Malformed(reason: "ends at \(at)") }
            return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
        }
        func int(_ v: UInt64) throws -> Int {
            guard v < UInt64(Int.max) else { throw Malformed(reason: "offset \(v)") }
            return Int(v)
        }
        guard bytes.count >= 64, bytes[0..<4] == [0x7f, 0x45, 0x4c, 0x46] else { throw Malformed(reason: "not ELF") }
        guard bytes[4] == 2, bytes[5] == 1 else { throw Malformed(reason: "not 64-bit little-endian") }
        let phoff = try int(try u64(0x20)), phentsize = try u16(0x36), phnum = try u16(0x38)
        var loads: [(vaddr: UInt64, offset: UInt64, size: UInt64)] = []
        var dynamic: (offset: Int, size: Int)?
        for i in 0..<phnum {
            let h = phoff + i * phentsize
            let type = try u16(h)   // p_type is 32 bits; the types read here fit in 16
            let offset = try u64(h + 0x08), vaddr = try u64(h + 0x10), filesz = try u64(h + 0x20)
            if type == 1 { loads.append((vaddr, offset, filesz)) }
            if type == 2 { dynamic = (try int(offset), try int(filesz)) }
        }
        guard let dynamic else { throw Malformed(reason: "no PT_DYNAMIC: a static binary") }
        var strtab: UInt64?, needed: [UInt64] = []
        for at in stride(from: dynamic.offset, to: dynamic.offset + dynamic.size, by: 16) {
            let tag = try u64(at), value = try u64(at + 8)
            if tag == 0 { break }
            if tag == 1 { needed.append(value) }
            if tag == 5 { strtab = value }
        }
        guard let strtab, let load = loads.first(where: { strtab >= $0.vaddr && strtab < $0.vaddr + $0.size }) else {
            throw Malformed(reason: "no DT_STRTAB in a loaded segment")
        }
        let base = try int(strtab - load.vaddr + load.offset)
        return try needed.map { offset in
            var at = base + (try int(offset))
            var name: [UInt8] = []
            while true {
                guard at < bytes.count else { throw Malformed(reason: "unterminated name") }
                if bytes[at] == 0 { break }
                name.append(bytes[at]); at += 1
            }
            return String(decoding: name, as: UTF8.self)
        }
    }
}
