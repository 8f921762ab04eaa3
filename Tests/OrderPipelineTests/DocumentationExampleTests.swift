import Foundation
import OrderPipeline
import Testing

// docs/agents.md shows each example as a JSON block after an `<!-- example: NAME -->` line, pretty
// printed; each block must decode to the example of that name in `jsonExamples`.

/// The JSON blocks of docs/agents.md, by the name of the example marker before each.
private func documentedExamples() throws -> [String: String] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/agents.md"), encoding: .utf8)
    var blocks: [String: String] = [:]
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
    while let line = lines.popFirst() {
        guard line.hasPrefix("<!-- example: "), line.hasSuffix(" -->") else { continue }
        let name = String(line.dropFirst("<!-- example: ".count).dropLast(" -->".count))
        guard lines.popFirst() == "```json" else {
            Issue.record("the example \(name) is not followed by a json block")
            continue
        }
        var block: [Substring] = []
        while let next = lines.popFirst(), next != "```" { block.append(next) }
        blocks[name] = block.joined(separator: "\n")
    }
    return blocks
}

@Test func theDocumentationShowsEveryExampleAndNothingElse() throws {
    let documented = try documentedExamples()
    #expect(Set(documented.keys) == Set(jsonExamples.map(\.name)))
}

@Test(arguments: jsonExamples)
func theDocumentedExampleDecodesToTheTestedOne(_ example: JSONExample) throws {
    let block = try #require(try documentedExamples()[example.name], "docs/agents.md shows \(example.name)")
    #expect(try example.decodesBack(bytes(block)))
}
