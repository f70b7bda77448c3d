/// The shard a batch scheduler gave this process: `optimize sieve --shard auto`.
///
/// Two schedulers are read, each through the variables it documents for its tasks:
///
/// - a **Slurm job array** (`sbatch --array=MIN-MAX[:STEP]`) sets `SLURM_ARRAY_TASK_ID`,
///   `SLURM_ARRAY_TASK_COUNT`, `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_MAX` and
///   `SLURM_ARRAY_TASK_STEP`. The shard is (ID − MIN) / STEP of COUNT, so `--array=1-4` and
///   `--array=0-6:2` are four shards 0 … 3 like `--array=0-3`. An array that is not one evenly
///   stepped range (`--array=1,3,7`) is refused: its task IDs do not number shards.
/// - a **Kubernetes Indexed Job** (`completionMode: Indexed`) sets `JOB_COMPLETION_INDEX` in each
///   pod. Kubernetes gives a pod no variable holding the Job's `completions` (the downward API
///   exposes the pod's fields, not its Job's), so the count is `--shard-count N`, which must equal
///   `spec.completions`.
///
/// A variable set to the empty string counts as unset (how a shell clears one). Every refusal
/// names the variable and the fix, with a kind of its own: both schedulers' variables set
/// (`ambiguousShardEnvironment`), an index without its count or no index at all
/// (`missingShardEnvironment`), and a value that is not a number, out of range or inconsistent
/// (`invalidShardEnvironment`).
public struct SchedulerShard: Equatable, Sendable {
    /// The shard, 0-based.
    public let index: Int
    /// The number of shards.
    public let count: Int
    /// Where it came from, for the report: `SLURM_ARRAY_TASK_ID=5 (SLURM_ARRAY_TASK_MIN=2)`.
    public let origin: String

    public init(index: Int, count: Int, origin: String) {
        self.index = index
        self.count = count
        self.origin = origin
    }

    /// The variables each scheduler sets, as named in the errors and the help.
    public enum Variable {
        public static let slurmID = "SLURM_ARRAY_TASK_ID"
        public static let slurmCount = "SLURM_ARRAY_TASK_COUNT"
        public static let slurmMin = "SLURM_ARRAY_TASK_MIN"
        public static let slurmMax = "SLURM_ARRAY_TASK_MAX"
        public static let slurmStep = "SLURM_ARRAY_TASK_STEP"
        public static let kubernetesIndex = "JOB_COMPLETION_INDEX"
    }

    /// The shard `environment` describes.
    ///
    /// - Parameters:
    ///   - environment: the process's variables (`ProcessInfo.processInfo.environment`).
    ///   - shardCount: `--shard-count`, when given: required for Kubernetes, and checked against
    ///     `SLURM_ARRAY_TASK_COUNT` for Slurm (a script that says 4 shards and an array of 3 is a mistake).
    /// - Throws: `ambiguousShardEnvironment`, `missingShardEnvironment` or `invalidShardEnvironment`,
    ///   naming the variable.
    public static func resolve(environment: [String: String], shardCount: Int?) throws(InputError) -> SchedulerShard {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        let slurm = value(Variable.slurmID), kubernetes = value(Variable.kubernetesIndex)
        switch (slurm, kubernetes) {
        case (.some(let id), .some(let index)):
            throw InputError(.ambiguousShardEnvironment, source: "\(Variable.slurmID) and \(Variable.kubernetesIndex)",
                             problem: "both are set (\(id) and \(index)): a Slurm job array's task and a Kubernetes Indexed Job's pod at once",
                             fix: "unset the one that does not belong to this job's scheduler, or give --shard i/n explicitly")
        case (nil, nil):
            throw InputError(.missingShardEnvironment, source: "--shard auto",
                             problem: "neither \(Variable.slurmID) (a Slurm job array) nor \(Variable.kubernetesIndex) (a Kubernetes Indexed Job) is set",
                             fix: "run it as a task of `sbatch --array=0-N` or of an Indexed Job (completionMode: Indexed), or give --shard i/n")
        case (.some(let id), nil):
            return try slurmShard(id: id, value: value, shardCount: shardCount)
        case (nil, .some(let index)):
            return try kubernetesShard(index: index, shardCount: shardCount)
        }
    }

    private static func slurmShard(id idText: String, value: (String) -> String?, shardCount: Int?) throws(InputError) -> SchedulerShard {
        func required(_ name: String) throws(InputError) -> String {
            guard let text = value(name) else {
                throw InputError(.missingShardEnvironment, source: name,
                                 problem: "is not set, though \(Variable.slurmID) is (\(idText))",
                                 fix: "submit the job as an array with `sbatch --array=0-N`, which sets every SLURM_ARRAY_TASK_ variable; do not set \(Variable.slurmID) by hand")
            }
            return text
        }
        let id = try number(idText, Variable.slurmID, minimum: 0)
        let count = try number(try required(Variable.slurmCount), Variable.slurmCount, minimum: 1)
        let minimum = try number(try required(Variable.slurmMin), Variable.slurmMin, minimum: 0)
        let step = try value(Variable.slurmStep).map { text throws(InputError) in try number(text, Variable.slurmStep, minimum: 1) } ?? 1
        let contiguous = "submit one evenly stepped range, such as `sbatch --array=0-\(count - 1)`"
        if let maximumText = value(Variable.slurmMax) {
            let maximum = try number(maximumText, Variable.slurmMax, minimum: 0)
            let (span, overflow) = (count - 1).multipliedReportingOverflow(by: step)
            guard !overflow, minimum.addingReportingOverflow(span) == (maximum, false) else {
                throw InputError(.invalidShardEnvironment, source: Variable.slurmMax,
                                 problem: "\(maximum) is not \(Variable.slurmMin) + (\(Variable.slurmCount) − 1) × \(Variable.slurmStep) = \(minimum) + \(count - 1) × \(step): the array's task IDs do not number \(count) shards",
                                 fix: contiguous)
            }
        }
        guard id >= minimum, (id - minimum) % step == 0, (id - minimum) / step < count else {
            throw InputError(.invalidShardEnvironment, source: Variable.slurmID,
                             problem: "\(id) is not one of the \(count) task IDs \(minimum), \(minimum + step), … of an array from \(Variable.slurmMin)=\(minimum) in steps of \(step)",
                             fix: contiguous)
        }
        if let shardCount, shardCount != count {
            throw InputError(.invalidShardEnvironment, source: Variable.slurmCount,
                             problem: "\(count) tasks, but --shard-count \(shardCount)",
                             fix: "submit the array with \(shardCount) tasks (`sbatch --array=0-\(shardCount - 1)`), or leave out --shard-count")
        }
        var origin = "\(Variable.slurmID)=\(id)"
        if minimum != 0 || step != 1 { origin += " (\(Variable.slurmMin)=\(minimum)\(step == 1 ? "" : ", \(Variable.slurmStep)=\(step)"))" }
        return SchedulerShard(index: (id - minimum) / step, count: count, origin: origin)
    }

    private static func kubernetesShard(index indexText: String, shardCount: Int?) throws(InputError) -> SchedulerShard {
        let index = try number(indexText, Variable.kubernetesIndex, minimum: 0)
        guard let count = shardCount else {
            throw InputError(.missingShardEnvironment, source: "--shard-count",
                             problem: "not given, and \(Variable.kubernetesIndex) (\(index)) comes with no count: Kubernetes does not tell a pod its Job's completions",
                             fix: "give --shard-count N, equal to the Indexed Job's spec.completions")
        }
        guard index < count else {
            throw InputError(.invalidShardEnvironment, source: Variable.kubernetesIndex,
                             problem: "\(index) is not below --shard-count \(count)",
                             fix: "give --shard-count equal to the Indexed Job's spec.completions (more than \(index))")
        }
        return SchedulerShard(index: index, count: count, origin: "\(Variable.kubernetesIndex)=\(index)")
    }

    /// A variable's whole number, at least `minimum`: digits only (no sign, space or fraction).
    private static func number(_ text: String, _ name: String, minimum: Int) throws(InputError) -> Int {
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text), value >= minimum else {
            throw InputError(.invalidShardEnvironment, source: name,
                             problem: "'\(text)' is not a whole number of at least \(minimum)",
                             fix: "run under the scheduler, which sets it; do not set it by hand")
        }
        return value
    }
}
