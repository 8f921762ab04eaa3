import Foundation

/// One entry of an event's trail: a stage the order reached, and when.
public struct StageStamp: Sendable, Hashable, Codable {
    public var stage: OrderStage
    /// The clock of the agent that made the event.
    public var at: Date

    public init(_ stage: OrderStage, at: Date) {
        self.stage = stage
        self.at = at
    }
}
