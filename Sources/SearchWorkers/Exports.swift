@_exported import StudyDatabase
@_exported import WindowSearch
