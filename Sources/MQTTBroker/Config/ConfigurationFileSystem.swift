import Foundation

/// Why a file or directory could not be read, in words for an error message.
struct FileAccessError: Error {
    let reason: String
}

/// What the configuration loader reads: whole files and directory listings.
protocol ConfigurationFileSystem: Sendable {
    /// The file's text, which must be UTF-8.
    func contents(ofFile path: String) throws(FileAccessError) -> String
    /// The names of the entries of a directory, hidden ones included, in no particular order.
    func fileNames(inDirectory path: String) throws(FileAccessError) -> [String]
}

/// The disk, through Foundation: loading the configuration is a cold path, run once at start.
struct LocalFileSystem: ConfigurationFileSystem {
    func contents(ofFile path: String) throws(FileAccessError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileAccessError(reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw FileAccessError(reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileAccessError(reason: "permission denied or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw FileAccessError(reason: "not UTF-8 text") }
        return text
    }

    func fileNames(inDirectory path: String) throws(FileAccessError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileAccessError(reason: "no such directory")
        }
        guard isDirectory.boolValue else { throw FileAccessError(reason: "not a directory") }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw FileAccessError(reason: "permission denied or unreadable")
        }
    }
}
