import Foundation

extension BrokerCommandLine {
    /// The help text, in mosquitto's layout, for standard output.
    /// - Parameter processorCount: shown as the default of `--threads`.
    public static func usage(processorCount: Int = ProcessInfo.processInfo.activeProcessorCount) -> String {
        """
        \(versionLine)

        starling is an MQTT v3.1.1 broker.

        Usage: starling [-c config_file] [-d] [-h] [-p port] [-v] [--threads count] [--version]

         -c : specify the broker config file.
         -d : accepted for compatibility with mosquitto; starling does not put
              itself into the background.
         -h : display this help.
         -p : start the broker listening on the specified port, on this
              machine only. Ignored when the config file defines a listener.
         -v : verbose mode - enable all logging types. This overrides
              any logging options given in the config file.
         --threads : number of event loop threads (default: one per core, \(max(1, processorCount)) here).
         --version : display the version.

        See docs/configuration.md for more information.

        """
    }
}
