@_exported import Study
@_exported import _OptimizeSupport
