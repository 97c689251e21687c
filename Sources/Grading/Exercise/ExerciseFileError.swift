import SafeText
import JSON

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

    /// One line, whatever the file holds: control characters copied from it (in the field, in values the message
    /// quotes, in the file's own name) are escaped as JSON writes them, and a megabyte value is cut short.
    public var description: String {
        let f = field.map { " field \"\(TerminalText.oneLine($0, limit: TerminalText.keyLimit))\":" } ?? ""
        return "\(TerminalText.oneLine(file)): \(TerminalText.oneLine(position)):\(f) \(TerminalText.oneLine(message, limit: Self.messageLimit))"
    }

    /// Far longer than any message netcheck writes itself (the longest lists the allowed fields, about 200).
    static let messageLimit = 600
}
