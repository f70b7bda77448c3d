// Reports are built from the window search's and the campaign's records; programs that import
// Report see those types.
@_exported import Campaign
import _OptimizeSupport
