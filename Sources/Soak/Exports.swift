// A soak measures with the sieve and the search and records into the metrics store; programs
// that import Soak see those types.
@_exported import OptimizeMetrics
@_exported import WindowSearch
import _OptimizeSupport
