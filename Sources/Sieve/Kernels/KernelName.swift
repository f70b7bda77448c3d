/// The Metal name of every kernel the host runs: the one list that both the CPU backend and the
/// Metal backend look kernels up by (a test checks each against the embedded shader text).
public enum KernelName: String, CaseIterable, Sendable {
    /// Streams of outputs per seed (`Shaders/PRNG.metal`).
    case prngGenerate = "prng_generate"
    /// The state right after seeding.
    case prngStateInit = "prng_state_init"
    /// One step forward, with its output.
    case prngStateNext = "prng_state_next"
    /// One step back (invertible families).
    case prngStatePrev = "prng_state_prev"
    /// n single steps.
    case prngStateStep = "prng_state_step"
    /// n steps by the family's discard (a jump for the affine families).
    case prngStateJump = "prng_state_jump"
    /// The sieve for the jump families: a jump per window and per draw (`Shaders/Sieve.metal`).
    case sieveStrided = "sieve_strided"
    /// The sieve for every family: one pass over each seed's stream.
    case sieveStreamed = "sieve_streamed"
}
