import Glibc
import Localization

/// The exercise files of one folder (`Exercises/` beside the sources, the installed share folder, or an
/// instructor's `--exercises DIR`): one `<id>.json` per exercise.
public struct ExerciseCatalog: Sendable {
    public let directory: String

    public enum Failure: LocalizedError, Equatable {
        case unknownExercise(id: String, suggestions: [String], directory: String)
        /// The folder or a file in it cannot be read (`reason`: `Files.Failure.why`).
        case unreadable(path: String, reason: Localized)
        case notFound(tried: [String])

        public var message: Localized {
            switch self {
            case let .unknownExercise(id, suggestions, directory):
                guard !suggestions.isEmpty else { return Localized(id: "cli.error.unknownExercise", ["id": id, "directory": directory]) }
                let mean = Localized.join(suggestions.map { Localized("\"\($0)\"") }, by: Localized(id: "join.or"))
                return Localized(id: "cli.error.unknownExercise.suggest", ["id": id, "suggestions": mean, "directory": directory])
            case let .unreadable(path, reason):
                return Localized(id: "cli.error.cannotRead", ["path": path, "reason": reason])
            case let .notFound(tried):
                return Localized(id: "cli.error.noExercises", ["tried": Localized.list(tried)])
            }
        }
    }

    public init(directory: String) { self.directory = directory }

    /// Finds the exercises folder: `$NETCHECK_EXERCISES`, then `Exercises/` in a parent of the executable
    /// (a build tree), then `<prefix>/share/netcheck/Exercises` for an installed binary.
    public static func locate(environment: [String: String]) throws -> ExerciseCatalog {
        if let dir = environment["NETCHECK_EXERCISES"], !dir.isEmpty { return ExerciseCatalog(directory: dir) }
        var tried: [String] = []
        if let exe = Files.executablePath() {
            var dir = Files.parent(exe)
            for _ in 0..<6 {
                for candidate in ["\(dir)/Exercises", "\(dir)/share/netcheck/Exercises"] {
                    if Files.isDirectory(candidate) { return ExerciseCatalog(directory: candidate) }
                    tried.append(candidate)
                }
                if dir == "/" { break }
                dir = Files.parent(dir)
            }
        }
        if Files.isDirectory("Exercises") { return ExerciseCatalog(directory: "Exercises") }
        throw Failure.notFound(tried: Array(tried.prefix(4)) + ["./Exercises"])
    }

    /// The ids of the exercises here, sorted.
    public func ids() throws -> [String] {
        do {
            return try Files.list(directory, suffix: ".json").map { String($0.dropLast(5)) }
        } catch let f as Files.Failure {
            throw Failure.unreadable(path: f.path, reason: f.why)
        }
    }

    public func path(of id: String) -> String { "\(directory)/\(id).json" }

    /// Loads one exercise. An unknown id is a `Failure.unknownExercise` with suggestions; a broken file an
    /// `ExerciseFileError`.
    public func load(_ id: String) throws -> Exercise {
        let known = try ids()
        guard known.contains(id) else {
            throw Failure.unknownExercise(id: id, suggestions: Self.suggestions(for: id, in: known), directory: directory)
        }
        let text: String
        // Files.read refuses a FIFO, a device or a huge file in the folder at once (`netcheck list` loads them all).
        do { text = try Files.read(path(of: id)) } catch let f as Files.Failure {
            throw Failure.unreadable(path: f.path, reason: f.why)
        }
        let exercise = try ExerciseLoader.load(text: text, file: path(of: id))
        guard exercise.id == id else {
            throw ExerciseFileError(file: path(of: id), position: "/", field: "id",
                                    message: "is \"\(exercise.id)\" but the file is named \(id).json")
        }
        return exercise
    }

    /// The exercises `exercise` names as its variants, and the ones they name in turn, each once, in the order
    /// they are reached. The exercise itself and cycles (two layouts naming each other, as the chapter 4 bridges
    /// do) end the walk. A variant that is not in this folder is an `ExerciseFileError` at its place in the file
    /// that names it (`/variants/0`).
    public func variants(of exercise: Exercise) throws -> [Exercise] {
        var seen: Set<String> = [exercise.id]
        var queue = [exercise], found: [Exercise] = []
        while !queue.isEmpty {
            let from = queue.removeFirst()
            for (i, id) in from.variants.enumerated() where seen.insert(id).inserted {
                let variant: Exercise
                do {
                    variant = try load(id)
                } catch Failure.unknownExercise(_, let suggestions, _) {
                    let mean = suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "\"\($0)\"" }.joined(separator: " or "))?)"
                    throw ExerciseFileError(file: from.file, position: "/variants/\(i)", field: "variants",
                                            message: "no exercise \"\(id)\" in \(directory)\(mean)")
                }
                found.append(variant)
                queue.append(variant)
            }
        }
        return found
    }

    /// Close ids first: a typo ("chapter3-ruoter") or a missing part ("router" → "chapter3-router").
    static func suggestions(for id: String, in known: [String]) -> [String] {
        let scored = known.map { ($0, editDistance(id, $0)) }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        // The nearest ones only (ties kept), and only if near enough to be a typo.
        if let best = scored.first?.1, best <= max(2, id.count / 4) {
            return Array(scored.filter { $0.1 == best }.map(\.0).prefix(3))
        }
        return Array(known.filter { $0.hasSuffix("-" + id) || $0.contains(id) }.prefix(3))
    }
}
