import Addresses
import Foundation

/// Classic libpcap capture files (the format `tcpdump -w` writes): a 24-byte global header (magic 0xa1b2c3d4,
/// version 2.4, snaplen 262144, link type 1 = Ethernet) and one 16-byte record header per frame
/// (seconds, microseconds, captured length, wire length), all in this machine's byte order (little-endian),
/// which readers recognise by the magic. Only the tests write and read them (fixtures for the real tcpdump, captures
/// replayed offline), so this lives here, with Foundation for the files, and not in netcheck's binary.
public enum PcapFile {
    public static let snapLength: UInt32 = 262_144

    /// The whole file. Frame `i` is stamped at 0 s + `i` µs (tcpdump -t does not print times).
    public static func bytes(_ frames: [(bytes: [UInt8], wireLength: Int)]) -> [UInt8] {
        var w = ByteWriter()
        w.u32le(0xa1b2_c3d4); w.u16le(2); w.u16le(4)
        w.u32le(0); w.u32le(0)                  // thiszone, sigfigs
        w.u32le(snapLength); w.u32le(1)         // snaplen, LINKTYPE_ETHERNET
        for (i, frame) in frames.enumerated() {
            w.u32le(0); w.u32le(UInt32(truncatingIfNeeded: i))
            w.u32le(UInt32(truncatingIfNeeded: frame.bytes.count))
            w.u32le(UInt32(truncatingIfNeeded: max(frame.wireLength, frame.bytes.count)))
            w.append(frame.bytes)
        }
        return w.bytes
    }

    /// Writes `bytes(frames)` to `path`, replacing any file there.
    public static func write(_ frames: [(bytes: [UInt8], wireLength: Int)], to path: String) throws {
        try Data(bytes(frames)).write(to: URL(fileURLWithPath: path))
    }

    /// Why `frames(in:)` rejected a file.
    public enum ReadError: Error, Equatable, Sendable {
        /// The bytes end inside the global header or a record.
        case truncated(at: Int)
        /// Not a classic pcap file (pcapng, or something else): the first four bytes.
        case badMagic(UInt32)
        /// A link type other than 1 (Ethernet).
        case linkType(UInt32)
    }

    /// The frames of a classic pcap file in either byte order, with microsecond (0xa1b2c3d4) or nanosecond
    /// (0xa1b23c4d) timestamps, link type Ethernet; the timestamps are dropped.
    public static func frames(in data: [UInt8]) throws -> [(bytes: [UInt8], wireLength: Int)] {
        guard data.count >= 24 else { throw ReadError.truncated(at: 0) }
        func u32(_ at: Int, swapped: Bool) -> UInt32 {
            let v = UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
            return swapped ? v.byteSwapped : v
        }
        let magic = u32(0, swapped: false)
        let swapped: Bool
        switch magic {
        case 0xa1b2_c3d4, 0xa1b2_3c4d: swapped = false
        case 0xd4c3_b2a1, 0x4d3c_b2a1: swapped = true
        default: throw ReadError.badMagic(magic)
        }
        let linkType = u32(20, swapped: swapped) & 0x0fff_ffff   // the upper bits may carry FCS information
        guard linkType == 1 else { throw ReadError.linkType(linkType) }
        var frames: [(bytes: [UInt8], wireLength: Int)] = []
        var at = 24
        while at < data.count {
            guard data.count - at >= 16 else { throw ReadError.truncated(at: at) }
            let captured = Int(u32(at + 8, swapped: swapped)), wire = Int(u32(at + 12, swapped: swapped))
            guard data.count - at - 16 >= captured else { throw ReadError.truncated(at: at) }
            frames.append((bytes: Array(data[(at + 16)..<(at + 16 + captured)]), wireLength: wire))
            at += 16 + captured
        }
        return frames
    }

    /// `frames(in:)` of the file at `path`.
    public static func read(_ path: String) throws -> [(bytes: [UInt8], wireLength: Int)] {
        try frames(in: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
