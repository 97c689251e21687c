import Glibc
import Localization

/// The last resort behind `--deadline`: probes already stop in time, but should anything else hang (a kernel
/// that does not answer a netlink dump), a timer ends the process with status 3 and one line on stderr.
/// Only async-signal-safe calls in the handler: write(2) and _exit(2), of a line resolved when the timer is armed.
enum Watchdog {
    /// The line the handler writes, in the run's language (a C buffer: the handler may not touch Swift objects).
    nonisolated(unsafe) static var line: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var length = 0

    static func arm(afterMilliseconds ms: Int) {
        let text = "netcheck: " + CLI.text("cli.error.deadline") + "\n"
        line = strdup(text)
        length = text.utf8.count
        signal(SIGALRM) { _ in
            if let line = Watchdog.line { _ = write(STDERR_FILENO, line, Watchdog.length) }
            _exit(3)
        }
        var timer = itimerval()
        timer.it_value.tv_sec = ms / 1000
        timer.it_value.tv_usec = (ms % 1000) * 1000
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }
}
