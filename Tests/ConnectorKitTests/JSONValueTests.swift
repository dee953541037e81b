import Foundation
import Testing

@testable import ConnectorKit

@Suite("JSON reading and writing")
struct JSONValueTests {
    @Test("round trip keeps number literals and unicode")
    func roundTrip() throws {
        let text = #"{"big":9007199254740993,"pi":3.14,"name":"Zoë \u00e9 😀","list":[true,false,null],"nested":{"a":"x\n"}}"#
        let value = try JSONValue.parse(text)
        #expect(value["big"] == .number("9007199254740993"))
        #expect(value["name"]?.stringValue == "Zoë é 😀")
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(value.serialized().contains("9007199254740993"))
    }

    @Test(
        "errors give line and column",
        arguments: [
            ("{\n  \"rules\": { \"a\": day }\n}", 2, 19),
            ("[1, 2", 1, 6),
            ("", 1, 1),
            ("{\"a\":1,}", 1, 7),
            ("{\"a\":\"unterminated}", 1, 20),
        ])
    func errors(text: String, line: Int, column: Int) {
        do {
            _ = try JSONValue.parse(text)
            Issue.record("expected a parse error for \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test(
        "a trailing comma is named as such, at the comma, in arrays and objects",
        arguments: [
            ("{\n  \"urls\": [\n    {\"name\": \"incident\"},\n  ]\n}", 3, 25, "an array"),
            ("{\n  \"rules\": {\"a\": true,\n  }\n}", 2, 22, "an object"),
        ])
    func trailingComma(text: String, line: Int, column: Int, container: String) {
        do {
            _ = try JSONValue.parse(text)
            Issue.record("expected a parse error for \(text)")
        } catch {
            #expect(error.reason == "trailing comma after the last element of \(container): remove this ','")
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test("the SMA parseNotations path syntax reads arrays with [0] and plain indexes")
    func paths() throws {
        let value = try JSONValue.parse(#"{"result":[{"number":"INC1","sys_id":"abc"}]}"#)
        #expect(value.value(atPath: "result.[0].number") == "INC1")
        #expect(value.value(atPath: "result.0.sys_id") == "abc")
        #expect(value.value(atPath: "result.[1].number") == nil)
        #expect(value.value(atPath: "result.number") == nil)
    }

    @Test("a byte-order mark is tolerated; deep nesting is refused rather than crashing")
    func bomAndDepth() throws {
        #expect(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF]) + Data("{}".utf8)) == .object([:]))
        let deep = String(repeating: "[", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test("invalid UTF-8 inside a string is an error, not a crash")
    func invalidUTF8() {
        let bytes = Data([0x22, 0xC3, 0x28, 0x22])
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
    }
}
