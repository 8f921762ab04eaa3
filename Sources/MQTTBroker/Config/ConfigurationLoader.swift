// Reads a configuration file and the directories its `include_dir` lines name. Included files are
// read at the point of the `include_dir` line, in Mosquitto's order: case-insensitive, with the
// upper case of a letter before its lower case (00.conf 01.conf A.conf a.conf B.conf b.conf).
// Relative paths are taken from the working directory, as Mosquitto takes them.

/// A configuration and the warnings reading it raised (to be logged when the broker starts).
public struct LoadedConfiguration: Sendable, Hashable {
    public var configuration: BrokerConfiguration
    public var warnings: [ConfigurationWarning]

    public init(configuration: BrokerConfiguration, warnings: [ConfigurationWarning]) {
        self.configuration = configuration
        self.warnings = warnings
    }
}

extension BrokerConfiguration {
    /// Reads a mosquitto.conf-style file and the files its `include_dir` lines name.
    public static func load(fromFile path: String) throws(ConfigurationError) -> LoadedConfiguration {
        try ConfigurationLoader(fileSystem: LocalFileSystem()).load(fromFile: path)
    }

    /// Reads configuration text as if it were the file `file`; `include_dir` lines read the disk.
    public static func parse(_ text: String, file: String = "<configuration>") throws(ConfigurationError)
        -> LoadedConfiguration
    {
        try ConfigurationLoader(fileSystem: LocalFileSystem()).parse(text, file: file)
    }
}

/// Reads configuration files through a file system (the disk, or memory in tests).
struct ConfigurationLoader {
    let fileSystem: any ConfigurationFileSystem

    func load(fromFile path: String) throws(ConfigurationError) -> LoadedConfiguration {
        try load(fromFiles: [path])
    }

    /// Reads the files in order into one configuration (mosquitto reads repeated `-c` files so);
    /// no files at all is Mosquitto's default configuration.
    func load(fromFiles paths: [String]) throws(ConfigurationError) -> LoadedConfiguration {
        var parser = ConfigurationParser()
        for path in paths {
            let text: String
            do {
                text = try fileSystem.contents(ofFile: path)
            } catch {
                throw .unreadableFile(path: path, reason: error.reason)
            }
            try read(text, file: path, inMainFile: true, into: &parser)
        }
        return try parser.finish()
    }

    func parse(_ text: String, file: String) throws(ConfigurationError) -> LoadedConfiguration {
        var parser = ConfigurationParser()
        try read(text, file: file, inMainFile: true, into: &parser)
        return try parser.finish()
    }

    private func read(
        _ text: String, file: String, inMainFile: Bool, into parser: inout ConfigurationParser
    ) throws(ConfigurationError) {
        for line in ConfigurationLine.lines(of: text, file: file) {
            switch try parser.apply(line, inMainFile: inMainFile) {
            case .applied: continue
            case .includeDirectory(let directory): try include(directory, at: line.location, into: &parser)
            }
        }
    }

    private func include(
        _ directory: String, at location: ConfigurationLocation, into parser: inout ConfigurationParser
    ) throws(ConfigurationError) {
        let names: [String]
        do {
            names = try fileSystem.fileNames(inDirectory: directory)
        } catch {
            throw .unreadableDirectory(path: directory, reason: error.reason, at: location)
        }
        let files = names.filter { $0.utf8.count > ".conf".utf8.count && $0.hasSuffix(".conf") }
        for name in files.sorted(by: Self.precedesInMosquittoOrder) {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let text: String
            do {
                text = try fileSystem.contents(ofFile: path)
            } catch {
                throw .unreadableIncludedFile(path: path, reason: error.reason, at: location)
            }
            try read(text, file: path, inMainFile: false, into: &parser)
        }
    }

    /// Mosquitto's `include_dir` order: compare letters ignoring case, then upper case first.
    static func precedesInMosquittoOrder(_ left: String, _ right: String) -> Bool {
        var leftBytes = left.utf8.makeIterator()
        var rightBytes = right.utf8.makeIterator()
        while true {
            switch (leftBytes.next(), rightBytes.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let l?, let r?):
                if l.asciiUppercased != r.asciiUppercased { return l.asciiUppercased < r.asciiUppercased }
                if l != r { return l < r }
            }
        }
    }
}

extension UInt8 {
    fileprivate var asciiUppercased: UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) ? self - 32 : self
    }
}
