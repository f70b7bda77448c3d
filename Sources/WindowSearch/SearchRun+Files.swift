import Foundation
import Sieve

extension SearchRun {
    /// Rewrites `run.json` with `status` (running, interrupted, complete).
    func setStatus(_ status: String) throws(InputError) {
        try RunFile(settings: settings, status: status, created: created, shape: shape, history: history).write(directory: directory)
    }

    /// Rewrites `best.json` from the finished trials.
    func writeBest() throws(InputError) {
        let file = BestFile(settings: settings, shape: shape, outcomes: outcomes)
        try RunFileCoding.write(file, to: FilePath(directory).appending(BestFile.fileName))
    }

    /// Rewrites `progress.json` as of now.
    func writeProgress(status: String) throws(InputError) {
        let file = progress.file(status: status, best: best)
        try RunFileCoding.write(file, to: FilePath(directory).appending(ProgressFile.fileName))
    }
}
