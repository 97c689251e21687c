// libFuzzer target: the input as the text of an exercise file (invalid UTF-8 repaired, as a file read as
// text would be). ExerciseLoader.load must return an Exercise or throw ExerciseFileError: any other error,
// or a trap, is a bug. See Fuzz/README.md.
import Grading

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let exercise = try ExerciseLoader.load(text: text, file: "fuzz.json")
        _ = exercise.id
    } catch is ExerciseFileError {
    } catch {
        fuzzFailure("ExerciseLoader.load threw \(type(of: error)): \(error)")
    }
}
