/// A problem with an exercise file, located precisely enough for its author to fix it: the file, the position
/// (line and column for JSON syntax, a JSON pointer such as `/links/2/peer` for content), and the field.
public struct ExerciseFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// "line 3, column 14" or a JSON pointer ("/links/2").
    public var position: String
    /// The offending field, when there is one.
    public var field: String?
    public var message: String

    public init(file: String, position: String, field: String? = nil, message: String) {
        self.file = file; self.position = position; self.field = field; self.message = message
    }

    public var description: String {
        let f = field.map { " field \"\($0)\":" } ?? ""
        return "\(file): \(position):\(f) \(message)"
    }
}
