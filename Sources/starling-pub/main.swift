import MQTTCommandLine

PubCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
