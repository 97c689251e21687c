import Glibc

/// The last resort behind `--deadline`: probes already stop in time, but should anything else hang (a kernel
/// that does not answer a netlink dump), a timer ends the process with status 3 and one line on stderr.
/// Only async-signal-safe calls in the handler: write(2) and _exit(2).
enum Watchdog {
    static func arm(afterMilliseconds ms: Int) {
        signal(SIGALRM) { _ in
            let message: StaticString = "netcheck: the run did not finish before its deadline (--deadline); nothing was changed\n"
            _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
            _exit(3)
        }
        var timer = itimerval()
        timer.it_value.tv_sec = ms / 1000
        timer.it_value.tv_usec = (ms % 1000) * 1000
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }
}
