// The entry point shared by the fuzz targets (symlinked as Fuzz/<Target>/Entry.swift): each target defines
// `fuzzOne(_:)`. With -DFUZZING (the `make fuzz` build, linked with -sanitize=fuzzer) it is libFuzzer's
// LLVMFuzzerTestOneInput and libFuzzer supplies main; in the ordinary build the executable replays the
// files named on its command line (a crash reproducer, or a corpus directory's files), so `swift build`
// links without libFuzzer.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A bug found: say what, then abort so that libFuzzer records the input.
func fuzzFailure(_ message: String) -> Never {
    printError("fuzz failure: \(message)")
    abort()
}

/// One line on stderr (the C `stderr` global is off limits in Swift 6 mode).
func printError(_ line: String) {
    let text = Array((line + "\n").utf8)
    _ = text.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver (libclang_rt.fuzzer), for executables that have their own main.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt
#endif

@main
struct FuzzMain {
    static func main() {
        #if FUZZING
        // SwiftPM's debug build links every executable with main = <Module>_main (so that tests could import
        // it), which leaves no room for libFuzzer's own main: this main hands over to libFuzzer's driver.
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) })
        #else
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                printError("cannot read \(path)")
                exit(2)
            }
            fuzzOne(bytes)
            count += 1
        }
        print("replayed \(count) input(s) without a failure")
        #endif
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes += buffer[0..<n] }
            if n < buffer.count { return ferror(file) == 0 ? bytes : nil }
        }
    }
}
