// libFuzzer target: the input as the text of an exercise file (invalid UTF-8 repaired, as a file read as
// text would be). ExerciseLoader.load must return an Exercise or throw ExerciseFileError, whose message is one
// clean line of bounded length whatever the file holds (no control character copied from it, no megabyte
// quoted): any other error, such a message, or a trap, is a bug. See README "Fuzzing".
import Grading

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let exercise = try ExerciseLoader.load(text: text, file: "fuzz.json")
        _ = exercise.id
    } catch let e as ExerciseFileError {
        let line = e.description.unicodeScalars
        if line.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            fuzzFailure("an error that is not one clean line: \(e.description.debugDescription)")
        }
        if line.count > 1000 { fuzzFailure("an error of \(line.count) characters") }
    } catch {
        fuzzFailure("ExerciseLoader.load threw \(type(of: error)): \(error)")
    }
}
