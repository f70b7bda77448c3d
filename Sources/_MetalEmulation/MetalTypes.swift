// The value types, options, enumerations and errors of the Metal API subset that SieveMetal uses.
//
// Every declaration here mirrors Apple's declaration of the same name in Metal.framework, as the
// Swift interface shows it (developer.apple.com/documentation/metal, checked 2026): same name, same
// kind (struct, enum, class), same members with the same labels, types, optionality and raw values.
// Only the members SieveMetal uses are declared. Nothing here is more permissive than Apple's: a
// declaration that differs from Apple's is a bug, because code that compiles against this module
// must compile against Metal on a Mac.

import Foundation

/// Mirrors CoreFoundation's `typealias CFTimeInterval = Double` (seconds), the type of
/// `MTLCommandBuffer.gpuStartTime` and `gpuEndTime`; Linux's Foundation does not export it.
public typealias CFTimeInterval = Double

// MARK: - MTLSize

/// Mirrors Apple's `struct MTLSize` (Metal, imported from C): the extent of a grid or threadgroup.
///
/// Apple: `var width: Int`, `var height: Int`, `var depth: Int`, `init()`,
/// `init(width: Int, height: Int, depth: Int)`.
public struct MTLSize: Sendable {
    public var width: Int
    public var height: Int
    public var depth: Int

    /// Mirrors `MTLSize.init()`: every dimension zero.
    public init() {
        self.width = 0
        self.height = 0
        self.depth = 0
    }

    /// Mirrors `MTLSize.init(width:height:depth:)`.
    public init(width: Int, height: Int, depth: Int) {
        self.width = width
        self.height = height
        self.depth = depth
    }
}

/// Mirrors Apple's `func MTLSizeMake(_ width: Int, _ height: Int, _ depth: Int) -> MTLSize`.
public func MTLSizeMake(_ width: Int, _ height: Int, _ depth: Int) -> MTLSize {
    MTLSize(width: width, height: height, depth: depth)
}

// MARK: - Resources

/// Mirrors Apple's `struct MTLResourceOptions: OptionSet` (raw type `UInt`, the values of
/// `MTLResourceOptions` in MTLResource.h: CPU cache mode in bits 0-3, storage mode in bits 4-7,
/// hazard tracking in bits 8-9).
public struct MTLResourceOptions: OptionSet, Sendable {
    /// Mirrors `let rawValue: UInt` and `init(rawValue: UInt)`.
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// Mirrors `static var cpuCacheModeWriteCombined: MTLResourceOptions { get }`.
    public static let cpuCacheModeWriteCombined = MTLResourceOptions(rawValue: 1)
    /// Mirrors `static var storageModeShared: MTLResourceOptions { get }` (0 << 4: the default).
    public static let storageModeShared = MTLResourceOptions(rawValue: 0 << 4)
    /// Mirrors `static var storageModeManaged: MTLResourceOptions { get }`.
    public static let storageModeManaged = MTLResourceOptions(rawValue: 1 << 4)
    /// Mirrors `static var storageModePrivate: MTLResourceOptions { get }`.
    public static let storageModePrivate = MTLResourceOptions(rawValue: 2 << 4)
    /// Mirrors `static var storageModeMemoryless: MTLResourceOptions { get }`.
    public static let storageModeMemoryless = MTLResourceOptions(rawValue: 3 << 4)
    /// Mirrors `static var hazardTrackingModeUntracked: MTLResourceOptions { get }`.
    public static let hazardTrackingModeUntracked = MTLResourceOptions(rawValue: 1 << 8)
    /// Mirrors `static var hazardTrackingModeTracked: MTLResourceOptions { get }`.
    public static let hazardTrackingModeTracked = MTLResourceOptions(rawValue: 2 << 8)
}

/// Mirrors Apple's `enum MTLStorageMode: UInt`.
public enum MTLStorageMode: UInt, Sendable {
    case shared = 0
    case managed = 1
    case `private` = 2
    case memoryless = 3
}

// MARK: - Command buffers

/// Mirrors Apple's `enum MTLCommandBufferStatus: UInt`: a command buffer's life cycle.
public enum MTLCommandBufferStatus: UInt, Sendable {
    case notEnqueued = 0
    case enqueued = 1
    case committed = 2
    case scheduled = 3
    case completed = 4
    case error = 5
}

/// Mirrors Apple's `typealias MTLCommandBufferHandler = @Sendable (any MTLCommandBuffer) -> Void`.
public typealias MTLCommandBufferHandler = @Sendable (any MTLCommandBuffer) -> Void

/// Mirrors Apple's `let MTLCommandBufferErrorDomain: String`.
public let MTLCommandBufferErrorDomain: String = "MTLCommandBufferErrorDomain"

/// Mirrors Apple's `struct MTLCommandBufferError` (the Swift face of the `MTLCommandBufferError`
/// NSError codes): `errorDomain`, `Code`, `init(_:userInfo:)`, `code`, and the static code names.
public struct MTLCommandBufferError: CustomNSError, Hashable, @unchecked Sendable {
    /// Mirrors `MTLCommandBufferError.Code` (raw type `UInt`, the values of MTLCommandBuffer.h).
    public enum Code: UInt, Sendable {
        case none = 0
        case `internal` = 1
        case timeout = 2
        case pageFault = 3
        case accessRevoked = 4
        case notPermitted = 7
        case outOfMemory = 8
        case invalidResource = 9
        case memoryless = 10
        case deviceRemoved = 11
        case stackOverflow = 12
    }

    private let _nsError: NSError

    /// Mirrors the bridged error's `init(_ code: Code, userInfo: [String: Any] = [:])`.
    public init(_ code: Code, userInfo: [String: Any] = [:]) {
        _nsError = NSError(domain: MTLCommandBufferErrorDomain, code: Int(code.rawValue), userInfo: userInfo)
    }

    /// Mirrors `static var errorDomain: String { get }`.
    public static var errorDomain: String { MTLCommandBufferErrorDomain }
    /// Mirrors the bridged error's `var code: Code { get }`.
    public var code: Code { Code(rawValue: UInt(_nsError.code)) ?? .internal }
    /// The `CustomNSError` face Apple's bridged errors share: the NSError's code and user info.
    public var errorCode: Int { _nsError.code }
    public var errorUserInfo: [String: Any] { _nsError.userInfo }

    /// Mirror Apple's `static var internal: MTLCommandBufferError.Code { get }` and its siblings.
    public static var `internal`: Code { .internal }
    public static var timeout: Code { .timeout }
    public static var pageFault: Code { .pageFault }
    public static var outOfMemory: Code { .outOfMemory }
    public static var invalidResource: Code { .invalidResource }
}

// MARK: - Libraries and functions

/// Mirrors Apple's `let MTLLibraryErrorDomain: String`.
public let MTLLibraryErrorDomain: String = "MTLLibraryErrorDomain"

/// Mirrors Apple's `struct MTLLibraryError` (the Swift face of the `MTLLibraryError` NSError codes).
public struct MTLLibraryError: CustomNSError, Hashable, @unchecked Sendable {
    /// Mirrors `MTLLibraryError.Code` (raw type `UInt`, the values of MTLLibrary.h).
    public enum Code: UInt, Sendable {
        case unsupported = 1
        case `internal` = 2
        case compileFailure = 3
        case compileWarning = 4
        case functionNotFound = 5
        case fileNotFound = 6
    }

    private let _nsError: NSError

    /// Mirrors the bridged error's `init(_ code: Code, userInfo: [String: Any] = [:])`.
    public init(_ code: Code, userInfo: [String: Any] = [:]) {
        _nsError = NSError(domain: MTLLibraryErrorDomain, code: Int(code.rawValue), userInfo: userInfo)
    }

    /// Mirrors `static var errorDomain: String { get }`.
    public static var errorDomain: String { MTLLibraryErrorDomain }
    /// Mirrors the bridged error's `var code: Code { get }`.
    public var code: Code { Code(rawValue: UInt(_nsError.code)) ?? .internal }
    /// The `CustomNSError` face Apple's bridged errors share: the NSError's code and user info.
    public var errorCode: Int { _nsError.code }
    public var errorUserInfo: [String: Any] { _nsError.userInfo }

    /// Mirror Apple's `static var compileFailure: MTLLibraryError.Code { get }` and its siblings.
    public static var unsupported: Code { .unsupported }
    public static var compileFailure: Code { .compileFailure }
    public static var functionNotFound: Code { .functionNotFound }
}

/// Mirrors Apple's `enum MTLDataType: UInt` (only the scalar cases a function constant of this
/// project could take; the raw values are Apple's).
public enum MTLDataType: UInt, Sendable {
    case none = 0
    case int = 29
    case uint = 33
    case bool = 53
}

/// Mirrors Apple's `class MTLCompileOptions: NSObject, NSCopying`: options for
/// `makeLibrary(source:options:)`. `init()` and `preprocessorMacros` are the members used here.
open class MTLCompileOptions: NSObject, NSCopying {
    /// Mirrors `var preprocessorMacros: [String : NSObject]? { get set }` (default `nil`).
    open var preprocessorMacros: [String: NSObject]?

    /// Mirrors `init()`.
    public override init() {
        super.init()
    }

    /// `NSCopying`, which Apple's class adopts.
    open func copy(with zone: NSZone? = nil) -> Any {
        let copy = MTLCompileOptions()
        copy.preprocessorMacros = preprocessorMacros
        return copy
    }
}

/// Mirrors Apple's `class MTLFunctionConstantValues: NSObject, NSCopying`: values that specialise
/// a function's `[[function_constant(n)]]` declarations.
open class MTLFunctionConstantValues: NSObject, NSCopying {
    /// One value as given: where it goes (an index or a name), its type, its bytes.
    struct Entry: Hashable {
        var index: Int?
        var name: String?
        var type: MTLDataType
        var bytes: [UInt8]
    }
    private(set) var entries: [Entry] = []

    /// Mirrors `init()`.
    public override init() {
        super.init()
    }

    /// Mirrors `func setConstantValue(_ value: UnsafeRawPointer, type: MTLDataType, index: Int)`.
    open func setConstantValue(_ value: UnsafeRawPointer, type: MTLDataType, index: Int) {
        entries.removeAll { $0.index == index }
        entries.append(Entry(index: index, name: nil, type: type, bytes: Self.bytes(value, type)))
    }

    /// Mirrors `func setConstantValue(_ value: UnsafeRawPointer, type: MTLDataType, withName name: String)`.
    open func setConstantValue(_ value: UnsafeRawPointer, type: MTLDataType, withName name: String) {
        entries.removeAll { $0.name == name }
        entries.append(Entry(index: nil, name: name, type: type, bytes: Self.bytes(value, type)))
    }

    /// Mirrors `func reset()`.
    open func reset() {
        entries.removeAll()
    }

    /// `NSCopying`, which Apple's class adopts.
    open func copy(with zone: NSZone? = nil) -> Any {
        let copy = MTLFunctionConstantValues()
        copy.entries = entries
        return copy
    }

    private static func bytes(_ value: UnsafeRawPointer, _ type: MTLDataType) -> [UInt8] {
        let size: Int
        switch type {
        case .bool: size = 1
        case .int, .uint: size = 4
        case .none: size = 0
        }
        return Array(UnsafeRawBufferPointer(start: value, count: size))
    }
}
