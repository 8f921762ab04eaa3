import MQTTCommandLine

SubCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
