import Foundation
import ShopAgents

exit(
    ShopMain.main(arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
)
