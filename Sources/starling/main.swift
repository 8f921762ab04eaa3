import Glibc
import MQTTBroker

exit(StarlingCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
