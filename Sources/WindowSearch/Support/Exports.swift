// The support layer (errors, files, journals, JSON) is part of this module's API.
@_exported import _OptimizeSupport
