import Glibc

exit(BenchCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
