import CPcap
import Glibc

/// Frames written as a pcap file with libpcap's dumper (`check --pcap DIR`), for Wireshark or `tcpdump -r`.
public enum PcapFileWriter {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Writes `frames` (bytes as captured, length on the wire, CLOCK_REALTIME µs) to `path`, Ethernet link type.
    public static func write(_ path: String, frames: [(bytes: [UInt8], wireLength: Int, microseconds: Int64)]) throws {
        guard let dead = pcap_open_dead(DLT_EN10MB, LiveCapture.snapLength) else { throw Failure(path: path, message: "out of memory") }
        defer { pcap_close(dead) }
        guard let dumper = pcap_dump_open(dead, path) else { throw Failure(path: path, message: String(cString: pcap_geterr(dead))) }
        for frame in frames {
            var header = pcap_pkthdr()
            header.ts.tv_sec = Int(frame.microseconds / 1_000_000)
            header.ts.tv_usec = Int(frame.microseconds % 1_000_000)
            header.caplen = UInt32(frame.bytes.count)
            header.len = UInt32(max(frame.wireLength, frame.bytes.count))
            frame.bytes.withUnsafeBufferPointer { bytes in
                pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), &header, bytes.baseAddress)
            }
        }
        guard pcap_dump_flush(dumper) == 0 else {
            let e = errno
            pcap_dump_close(dumper)
            throw Failure(path: path, message: String(cString: strerror(e)))
        }
        pcap_dump_close(dumper)
    }
}
