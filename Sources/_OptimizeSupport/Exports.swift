// FilePath and FileDescriptor are part of the support layer's API.
@_exported import struct SystemPackage.FilePath
@_exported import struct SystemPackage.FileDescriptor
