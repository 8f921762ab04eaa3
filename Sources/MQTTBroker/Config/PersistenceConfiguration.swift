/// Where and how often sessions and retained messages are saved.
public struct PersistenceConfiguration: Sendable, Hashable {
    /// `persistence`: whether state survives restarts.
    public var isEnabled = false
    /// `persistence_location`: directory of the persistence file; nil means the working directory.
    public var location: String?
    /// `persistence_file`: file name inside `location`. Starling's default differs from
    /// Mosquitto's `mosquitto.db` because the formats differ: sharing a location with Mosquitto
    /// must not overwrite its database.
    public var file = "starling.db"
    /// `autosave_interval`, in seconds between saves; 0 saves only at shutdown.
    public var autosaveInterval = 1800

    public init() {}

    /// `location` and `file` joined, as Mosquitto joins them.
    public var filePath: String {
        guard let location, !location.isEmpty else { return file }
        return location.hasSuffix("/") ? location + file : location + "/" + file
    }
}
