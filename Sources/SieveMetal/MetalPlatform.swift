// The thin binding to the platform's Metal: the only code in SieveMetal that differs between a Mac
// (Metal.framework) and a machine without Metal (the `_MetalEmulation` module, whose declarations
// mirror Apple's). Everything else in SieveMetal is written once against the Metal API and runs,
// and is tested, on both.

#if canImport(Metal)
@preconcurrency import Metal
#else
import _MetalEmulation
#endif

/// Where the Metal devices come from on this platform.
public enum MetalPlatform {
    #if canImport(Metal)
    /// Whether this build uses an emulation of Metal instead of Metal.framework.
    public static let isEmulated = false

    /// The system's GPU, or `nil` when there is none (a Mac without a Metal device, a VM).
    public static func systemDevice() -> (any MTLDevice)? {
        MTLCreateSystemDefaultDevice()
    }

    /// The device `--backend metal` runs on: the system's GPU.
    public static func defaultDevice() -> (any MTLDevice)? {
        systemDevice()
    }

    /// Whether `device` is an emulation rather than a GPU.
    public static func isEmulated(_ device: any MTLDevice) -> Bool {
        false
    }
    #else
    /// Whether this build uses an emulation of Metal instead of Metal.framework.
    public static let isEmulated = true

    /// The system's GPU: always `nil`, as there is no Metal here.
    public static func systemDevice() -> (any MTLDevice)? {
        MTLCreateSystemDefaultDevice()
    }

    /// The device `--backend metal` runs on: an emulated device, whose dispatches run the
    /// per-thread CPU build of the kernels.
    public static func defaultDevice() -> (any MTLDevice)? {
        MTLEmulatedDevice()
    }

    /// Whether `device` is an emulation rather than a GPU.
    public static func isEmulated(_ device: any MTLDevice) -> Bool {
        device is MTLEmulatedDevice
    }
    #endif
}
