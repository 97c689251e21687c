import Capture
import Glibc
import Kernel
import Probes
import Report

public enum Netcheck {
    public static let version = "0.1.0"
}

/// One run: exercise → plan → inspection and probes → verdicts → report.
public struct Grader {
    public var exercise: Exercise
    /// How long each probe waits for its answer. Probes run at once, so a run waits about this long at most.
    public var probeTimeoutMs: Int
    /// When the whole run must be over (CLOCK_MONOTONIC ns): probes are cut short to leave time for the report.
    public var deadline: UInt64?
    /// The exercise the learner asked for, when `exercise` is a variant of it (`LayoutMatch`): the report keeps
    /// its id and title and says which layout was graded.
    public var askedFor: Exercise?
    /// Where to write each capture's frames as a pcap file (`check --pcap DIR`), and what was written.
    public var pcap: PcapOutput?

    public init(exercise: Exercise, probeTimeoutMs: Int = 1000, deadline: UInt64? = nil, askedFor: Exercise? = nil) {
        self.exercise = exercise
        self.probeTimeoutMs = probeTimeoutMs
        self.deadline = deadline
        self.askedFor = askedFor.flatMap { $0.id == exercise.id ? nil : $0 }
    }

    /// What is left before the deadline, less a margin for judging and writing the report: 150 ms, or a quarter of
    /// what is left when that is less (a `--deadline 100` run still gives its probes most of its time).
    var remaining: Duration? {
        guard let deadline else { return nil }
        let now = Grader.monotonicNanoseconds()
        let left = deadline > now ? Int64(deadline - now) : 0
        return .nanoseconds(max(0, left - min(150_000_000, left / 4)))
    }

    /// What a run saw: the inventory of the learner's namespaces and what the probes sent and caught.
    public struct Observation {
        public let world: World
        var probes: ProbeResults
    }

    /// Inspects the namespaces and probes them (the only part of a run that touches the network): the inventory,
    /// read through `inspector`, and what the probes saw.
    public func observe(_ plan: Plan, inspector: Inspector = LiveInspector()) -> Observation {
        let world = World(namespaces: exercise.namespaces, inspector: inspector)
        world.deadline = deadline
        var timeout = Duration.milliseconds(probeTimeoutMs)
        var cutShort = false
        if let remaining, remaining < timeout { timeout = remaining; cutShort = true }
        var probing = Probing(plan: plan, world: world, timeout: timeout)
        probing.latest = remaining
        var probes = probing.run()
        probes.timeoutMs = Int(Monotonic.milliseconds(timeout))
        probes.timeoutCutByDeadline = cutShort
        return Observation(world: world, probes: probes)
    }

    /// Every check of `plan` judged from what was observed, in plan order, still in both languages: a function of
    /// the exercise, the inventory and the probes' results alone (the inventory answers what a diagnosis asks, from
    /// the kernel or from a recording).
    public func judge(_ plan: Plan, _ observation: Observation) -> [(check: PlannedCheck, verdict: Verdict)] {
        let run = Judging(exercise: exercise, world: observation.world, probes: observation.probes)
        return plan.checks.map { check in (check, check.kind.judge(check, run)) }
    }

    /// Runs every check of `plan` and returns them in plan order, still in both languages.
    public func verdicts(_ plan: Plan) -> [(check: PlannedCheck, verdict: Verdict)] { judge(plan, observe(plan)) }

    public func verdicts() -> [(check: PlannedCheck, verdict: Verdict)] { verdicts(Plan(exercise: exercise)) }

    /// The report in one language, with the run's duration counted from `startedAt` (CLOCK_MONOTONIC ns).
    /// `step`: only that step's checks (1-based); nil: the end state, and which step the learner has reached.
    public func report(language: Language, step: Int? = nil, startedAt: UInt64 = Grader.monotonicNanoseconds()) -> Report {
        report(language: language, step: step, startedAt: startedAt, recording: nil)
    }

    /// The report, and the run recorded (`netcheck check --record`): every answer of the inspector and what the
    /// probes saw, for `report(replaying:)` to judge again.
    public func recordedReport(language: Language, startedAt: UInt64 = Grader.monotonicNanoseconds()) -> (Report, RunRecording) {
        let recorder = RecordingInspector(LiveInspector())
        var kept: Observation?
        let report = self.report(language: language, step: nil, startedAt: startedAt, recording: (recorder, { kept = $0 }))
        let recording = RunRecording(exercise: exercise.id, askedFor: (askedFor ?? exercise).id, answers: recorder.answers,
                                     probes: kept!.probes, durationMs: report.durationMs)
        return (report, recording)
    }

    /// The report of a recorded run, judged again from the recording alone: no root, no kernel, no network. The
    /// questions the recording could not answer (the code asked something the recorded run did not) are returned too.
    public func report(language: Language, replaying recording: RunRecording) -> (report: Report, unanswered: [String]) {
        let inspector = RecordedInspector(recording)
        let world = World(namespaces: exercise.namespaces, inspector: inspector)
        let observation = Observation(world: world, probes: recording.probes)
        var report = self.report(language: language, step: nil, startedAt: 0, recording: nil, replay: observation)
        report.durationMs = recording.durationMs
        return (report, inspector.unanswered)
    }

    func report(language: Language, step: Int?, startedAt: UInt64, recording: (Inspector, (Observation) -> Void)?,
                replay: Observation? = nil) -> Report {
        func result(_ check: PlannedCheck, _ verdict: Verdict) -> CheckResult {
            CheckResult(id: check.id, title: check.title.text(language), status: verdict.status,
                        expected: verdict.expected.text(language), observed: verdict.observed.text(language),
                        hint: verdict.status == .pass ? "" : verdict.hint.text(language), evidence: verdict.evidence?.map { $0.text(language) },
                        note: verdict.note?.text(language))
        }
        let plan = step.map { Plan(exercise: exercise, step: $0) } ?? Plan(exercise: exercise, withSteps: true)
        let observation = replay ?? observe(plan, inspector: recording?.0 ?? LiveInspector())
        let files = pcap.map { $0.write(observation.probes.captures) } ?? [:]
        let all = judge(plan, observation).map { judged -> (check: PlannedCheck, result: CheckResult) in
            var r = result(judged.check, judged.verdict)
            r.pcap = files[judged.check.id]
            return (judged.check, r)
        }
        recording?.1(observation)
        var title = (askedFor ?? exercise).title.text(language)
        if let step {
            let stepTitle = exercise.steps[step - 1].title.text(language)
            title = Localized(id: "report.title.step", ["title": title, "step": step, "stepTitle": stepTitle]).text(language)
        }
        let elapsed = replay == nil ? Int((Grader.monotonicNanoseconds() - startedAt) / 1_000_000) : 0
        var report = Report(exercise: (askedFor ?? exercise).id, title: title, checks: all.filter { !$0.check.stepOnly || step != nil }.map(\.result),
                            durationMs: elapsed, netcheckVersion: Netcheck.version)
        if askedFor != nil {
            report.gradedAs = GradedAs(exercise: exercise.id, layout: (exercise.layout ?? exercise.title).text(language))
        }
        if step == nil && !exercise.steps.isEmpty {
            let byID = Dictionary(all.map { ($0.check.id, $0.result) }, uniquingKeysWith: { a, _ in a })
            report.steps = exercise.steps.enumerated().map { n, spec in
                StepResult(number: n + 1, title: spec.title.text(language),
                           checks: (spec.checks + spec.reachability.compactMap(\.id)).compactMap { byID[$0] })
            }
        }
        return report
    }

    public static func monotonicNanoseconds() -> UInt64 { Monotonic.nanoseconds() }
}

/// `check --pcap DIR`: every capture of a run written as DIR/CHECK-ID.pcap (the two sides of a NAT check as
/// CHECK-ID.inside.pcap and CHECK-ID.outside.pcap), named in the report; what could not be written is kept in
/// `failures` for the command line to report.
public final class PcapOutput {
    public let directory: String
    public private(set) var failures: [String] = []

    public init(directory: String) { self.directory = directory }

    /// The file of one capture: the check's id, with every byte but letters, digits, `.`, `-` and `_` as `_` (an
    /// exercise file's own id cannot name a path elsewhere).
    static func fileName(_ key: CaptureKey) -> String {
        let safe = String(decoding: key.check.utf8.map { b -> UInt8 in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2e || b == 0x2d || b == 0x5f ? b : 0x5f
        }, as: UTF8.self)
        let name = safe.hasPrefix(".") ? "_" + safe.dropFirst() : safe
        return name + (key.side == .only ? "" : "." + key.side.rawValue) + ".pcap"
    }

    /// Writes the captures that were open, returns the paths by check id.
    func write(_ captures: [CaptureKey: Result<CaptureRecord, Error>]) -> [String: [String]] {
        var written: [String: [String]] = [:]
        for key in captures.keys.sorted(by: { ($0.check, $0.side.rawValue) < ($1.check, $1.side.rawValue) }) {
            guard case .success(let record)? = captures[key] else { continue }
            let path = (directory.hasSuffix("/") ? directory : directory + "/") + Self.fileName(key)
            do {
                try PcapFileWriter.write(path, frames: record.frames.map { ($0.bytes, $0.wireLength, $0.timestampMicroseconds) })
                written[key.check, default: []].append(path)
            } catch {
                failures.append("\(error)")
            }
        }
        return written
    }
}
