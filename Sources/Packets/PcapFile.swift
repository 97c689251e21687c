import Foundation

/// Classic libpcap capture files (the format `tcpdump -w` writes): a 24-byte global header (magic 0xa1b2c3d4,
/// version 2.4, snaplen 262144, link type 1 = Ethernet) and one 16-byte record header per frame
/// (seconds, microseconds, captured length, wire length), all in this machine's byte order (little-endian),
/// which readers recognise by the magic.
public enum PcapFile {
    public static let snapLength: UInt32 = 262_144

    /// The whole file. Frame `i` is stamped at 0 s + `i` µs (tcpdump -t does not print times).
    public static func bytes(_ frames: [(bytes: [UInt8], wireLength: Int)]) -> [UInt8] {
        var out: [UInt8] = []
        func u32(_ v: UInt32) { out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
        func u16(_ v: UInt16) { out += [UInt8(v & 0xff), UInt8(v >> 8)] }
        u32(0xa1b2_c3d4); u16(2); u16(4)
        u32(0); u32(0)                      // thiszone, sigfigs
        u32(snapLength); u32(1)             // snaplen, LINKTYPE_ETHERNET
        for (i, frame) in frames.enumerated() {
            u32(0); u32(UInt32(truncatingIfNeeded: i))
            u32(UInt32(truncatingIfNeeded: frame.bytes.count))
            u32(UInt32(truncatingIfNeeded: max(frame.wireLength, frame.bytes.count)))
            out += frame.bytes
        }
        return out
    }

    /// Writes `bytes(frames)` to `path`, replacing any file there.
    public static func write(_ frames: [(bytes: [UInt8], wireLength: Int)], to path: String) throws {
        try Data(bytes(frames)).write(to: URL(fileURLWithPath: path))
    }
}
