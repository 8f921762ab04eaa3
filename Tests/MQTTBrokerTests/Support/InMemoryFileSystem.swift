@testable import MQTTBroker

/// Configuration files held in memory: a path maps to its text; directories are the parents of
/// the files plus `emptyDirectories`.
struct InMemoryFileSystem: ConfigurationFileSystem {
    var files: [String: String]
    var emptyDirectories: Set<String> = []

    func contents(ofFile path: String) throws(FileAccessError) -> String {
        if let text = files[path] { return text }
        if isDirectory(path) { throw FileAccessError(reason: "is a directory") }
        throw FileAccessError(reason: "no such file")
    }

    func fileNames(inDirectory path: String) throws(FileAccessError) -> [String] {
        guard isDirectory(path) else { throw FileAccessError(reason: "no such directory") }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        let children = (Array(files.keys) + emptyDirectories).compactMap { entry -> String? in
            guard entry.hasPrefix(prefix) else { return nil }
            return entry.dropFirst(prefix.count).split(separator: "/").first.map(String.init)
        }
        // Reverse order, so that a loader relying on the listing order fails.
        return Set(children).sorted(by: >)
    }

    private func isDirectory(_ path: String) -> Bool {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return emptyDirectories.contains(path) || files.keys.contains { $0.hasPrefix(prefix) }
            || emptyDirectories.contains { $0.hasPrefix(prefix) }
    }
}

/// The path the configuration tests read their main file from.
let configPath = "/etc/starling.conf"

/// Loads `text` as `/etc/starling.conf`, with `files` and an empty `/etc/starling.d` beside it.
func load(_ text: String, files: [String: String] = [:]) throws(ConfigurationError) -> LoadedConfiguration {
    var all = files
    all[configPath] = text
    let fileSystem = InMemoryFileSystem(files: all, emptyDirectories: ["/etc/starling.d"])
    return try ConfigurationLoader(fileSystem: fileSystem).load(fromFile: configPath)
}

/// The error loading `text` raises, as printed, or nil when it loads.
func loadError(_ text: String, files: [String: String] = [:]) -> String? {
    do {
        _ = try load(text, files: files)
        return nil
    } catch {
        return error.description
    }
}
