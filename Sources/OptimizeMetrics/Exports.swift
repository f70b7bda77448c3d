// The store's records carry the support layer's JSON values and paths; programs that import
// Metrics see them.
@_exported import _OptimizeSupport
