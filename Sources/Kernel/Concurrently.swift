import Glibc

/// Runs `body(0) … body(count - 1)` each on a thread of its own and returns when all have finished.
///
/// Opening and closing a packet socket waits for an RCU grace period in the kernel (synchronize_net, some
/// 10–25 ms here), once when libpcap sets up its ring and twice on close. Done one after the other, a run
/// with four captures would spend most of its time waiting; on separate threads the waits overlap. Each body
/// is synchronous, so a `NetworkNamespace.run` inside it stays on its thread.
public func concurrently(_ count: Int, _ body: @escaping (Int) -> Void) {
    guard count > 1 else {
        if count == 1 { body(0) }
        return
    }
    final class Job {
        let index: Int
        let body: (Int) -> Void
        init(_ index: Int, _ body: @escaping (Int) -> Void) { self.index = index; self.body = body }
    }
    var threads: [pthread_t] = []
    for i in 0..<count {
        let job = Unmanaged.passRetained(Job(i, body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            job.body(job.index)
            return nil
        }, job)
        if rc == 0 {
            threads.append(thread)
        } else {
            // No thread to be had: do it here.
            let job = Unmanaged<Job>.fromOpaque(job).takeRetainedValue()
            job.body(job.index)
        }
    }
    for thread in threads { pthread_join(thread, nil) }
}
