// A campaign is built on the window search's types (trial parameters, the watcher, the support
// layer); programs that import Campaign see them.
@_exported import WindowSearch
import _OptimizeSupport
