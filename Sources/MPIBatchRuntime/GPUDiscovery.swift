import Foundation

/// Whose variable hands a task its devices: setting both would make HIP index into
/// what ROCr left, so a task gets its vendor's only.
package enum GPUVendor: String, Sendable, Codable {
    /// `CUDA_VISIBLE_DEVICES`, with `CUDA_DEVICE_ORDER=PCI_BUS_ID`.
    case nvidia
    /// `ROCR_VISIBLE_DEVICES`.
    case amd

    /// The variable a task sees its devices through.
    package var variable: String { self == .nvidia ? "CUDA_VISIBLE_DEVICES" : "ROCR_VISIBLE_DEVICES" }
}

/// The devices one rank was given, as it finds them (`GPUDiscovery.inherited`).
package struct GPUList: Sendable, Equatable, Codable {
    /// Device IDs as given (indices, `GPU-…` or `MIG-…` UUIDs), in order, each once.
    package var devices: [String]
    /// Whose variable carries them.
    package var vendor: GPUVendor
    /// Where they came from (`--gpus`, `CUDA_VISIBLE_DEVICES`, …), or, with none, where it looked.
    package var source: String

    /// Makes a list.
    package init(devices: [String], vendor: GPUVendor, source: String) {
        self.devices = devices
        self.vendor = vendor
        self.source = source
    }

    /// Whether the devices are MIG instances (a CUDA process uses one of them at most).
    package var isMIG: Bool { devices.contains { $0.hasPrefix("MIG-") } }
}

/// A device list that names a device twice (`--gpus 0,1,1`): exit status 2 before work starts.
package struct GPUListError: Error, Sendable, CustomStringConvertible {
    /// Where the list came from.
    package let source: String
    /// The device named twice.
    package let device: String
    /// `CUDA_VISIBLE_DEVICES names device 1 twice`.
    package var description: String { "\(source) names device \(device) twice: each device may appear once" }
}

/// Where a rank's GPUs come from, in the order the allocation is trusted:
///
/// 1. `--gpus LIST` (the vendor from the environment: AMD when only `ROCR_VISIBLE_DEVICES` is set);
/// 2. `CUDA_VISIBLE_DEVICES`, then `ROCR_VISIBLE_DEVICES`, as the rank inherited them (under
///    Slurm they differ per rank with `--gpus-per-task`: the node's pool is their union);
/// 3. under Slurm without either, `SLURM_JOB_GPUS` to count only (it holds physical indices,
///    while the job's cgroup renumbers its devices from 0);
/// 4. outside an allocation only, `nvidia-smi -L` (inside one it lists other jobs' GPUs too);
/// 5. else none.
package enum GPUDiscovery {
    /// The names looked at, in order, for a message that finds none.
    package static let places = "--gpus, CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES, SLURM_JOB_GPUS, nvidia-smi -L"

    /// This rank's devices; `override` is `--gpus`. `listDevices` runs `nvidia-smi -L` (tests give its text).
    package static func inherited(
        environment: [String: String], override: String?, listDevices: () -> String? = nvidiaSMIList
    ) throws(GPUListError) -> GPUList {
        let amdOnly = environment["ROCR_VISIBLE_DEVICES"] != nil && environment["CUDA_VISIBLE_DEVICES"] == nil
        if let override {
            return try parse(override, vendor: amdOnly ? .amd : .nvidia, source: "--gpus")
        }
        if let cuda = environment["CUDA_VISIBLE_DEVICES"] {
            return try parse(cuda, vendor: .nvidia, source: "CUDA_VISIBLE_DEVICES")
        }
        if let rocr = environment["ROCR_VISIBLE_DEVICES"] {
            return try parse(rocr, vendor: .amd, source: "ROCR_VISIBLE_DEVICES")
        }
        let inAllocation = environment["SLURM_JOB_ID"] != nil
        if inAllocation, let physical = environment["SLURM_JOB_GPUS"] {
            let count = try parse(physical, vendor: .nvidia, source: "SLURM_JOB_GPUS").devices.count
            return GPUList(devices: (0..<count).map(String.init), vendor: .nvidia, source: "SLURM_JOB_GPUS (counted)")
        }
        if !inAllocation, let listing = listDevices() {
            let devices = smiDevices(listing)
            if !devices.isEmpty { return GPUList(devices: devices, vendor: .nvidia, source: "nvidia-smi -L") }
        }
        return GPUList(devices: [], vendor: .nvidia, source: "looked at \(places)")
    }

    /// `0,1,2` (spaces allowed, empty items dropped) as a list; a device named twice is an error.
    package static func parse(_ text: String, vendor: GPUVendor, source: String) throws(GPUListError) -> GPUList {
        var devices: [String] = []
        for item in text.split(separator: ",") {
            let device = item.trimmingCharacters(in: .whitespaces)
            guard !device.isEmpty else { continue }
            guard !devices.contains(device) else { throw GPUListError(source: source, device: device) }
            devices.append(device)
        }
        return GPUList(devices: devices, vendor: vendor, source: source)
    }

    /// The node's pool: the union of its ranks' lists, in the order first seen (the first's vendor and source).
    package static func union(_ lists: [GPUList]) -> GPUList {
        guard var pool = lists.first(where: { !$0.devices.isEmpty }) ?? lists.first else {
            return GPUList(devices: [], vendor: .nvidia, source: "looked at \(places)")
        }
        for list in lists where list.vendor == pool.vendor {
            for device in list.devices where !pool.devices.contains(device) { pool.devices.append(device) }
        }
        return pool
    }

    /// The devices of an `nvidia-smi -L` listing: MIG instances by UUID when there are any, else GPUs by index.
    package static func smiDevices(_ listing: String) -> [String] {
        var gpus: [String] = []
        var migs: [String] = []
        for line in listing.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("MIG"), let uuid = uuid(in: trimmed) {
                migs.append(uuid)
            } else if trimmed.hasPrefix("GPU "), let colon = trimmed.firstIndex(of: ":") {
                gpus.append(String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 4)..<colon]))
            }
        }
        return migs.isEmpty ? gpus : migs
    }

    private static func uuid(in line: String) -> String? {
        guard let range = line.range(of: "UUID: ") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != ")" })
    }

    /// `nvidia-smi -L`'s output, or nil when it is not installed or fails.
    package static func nvidiaSMIList() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["nvidia-smi", "-L"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
