import Foundation
import Testing

@testable import ConnectorKit

@Suite("Config: INI reader")
struct ConfigIniFileTests {
    @Test("headers, keys, trimmed values, comments and blank lines")
    func basicShape() throws {
        let text = """
            ; a comment
            # another
            [GENERAL]
              JOBLOGDIR = joblogs   ; trailing comment
            PASSWORD=pa;ss#word

            [ OPCON  API ]   # spaced header
            PORT= 9010
            EMPTY=
            """
        let file = try IniFile.parse(text: text, path: "/x/Connector.config")
        #expect(file.sections == ["GENERAL", "OPCON  API"])
        #expect(file.entries.map(\.key) == ["JOBLOGDIR", "PASSWORD", "PORT", "EMPTY"])
        #expect(file.entries.map(\.value) == ["joblogs", "pa;ss#word", "9010", ""])
        #expect(file.entries.map(\.line) == [4, 5, 8, 9])
        #expect(file.entries[2].sectionID == "OPCON API")
    }

    @Test("a UTF-8 byte order mark and CRLF line ends are invisible")
    func bomAndCRLF() throws {
        let text = "\u{FEFF}[GENERAL]\r\nDEBUG=ON\r\n\r\nJOBLOGDIR=logs\r\n"
        let file = try IniFile.parse(text: text, path: "c")
        #expect(file.sections == ["GENERAL"])
        #expect(file.entries.map(\.value) == ["ON", "logs"])
        #expect(file.entries.map(\.line) == [2, 4])
    }

    @Test("a line that is no header, setting or comment names its line number, not its text")
    func badLine() {
        let text = "[OPCON API]\nSERVER=host\nTOKEN s3cr3t-value\n"
        let error = thrownError { try IniFile.parse(text: text, path: "/etc/c.config") }
        #expect(error?.exitCode == .configuration)
        #expect(error?.message.contains("/etc/c.config") == true)
        #expect(error?.message.contains("line 3") == true)
        #expect(error?.message.contains("[OPCON API]") == true)
        #expect(error?.message.contains("s3cr3t") == false)
    }

    @Test("KEY: value and a lone KEY are settings; one pair of surrounding double quotes is dropped")
    func javaINIForms() throws {
        let file = try IniFile.parse(
            text: "[GENERAL]\nTEMPLATES_DIRECTORY: \"my templates\"\nDEBUG\nSERVER=http://h:9010\nQUOTE=\"\n", path: "c")
        #expect(file.entries.map(\.key) == ["TEMPLATES_DIRECTORY", "DEBUG", "SERVER", "QUOTE"])
        #expect(file.entries.map(\.value) == ["my templates", "", "http://h:9010", "\""])
    }

    @Test("an empty header or a key-less setting is an error")
    func emptyNames() {
        #expect(thrownError { try IniFile.parse(text: "[ ]\n", path: "c") }?.message.contains("line 1") == true)
        #expect(thrownError { try IniFile.parse(text: "[A]\n=v\n", path: "c") }?.message.contains("line 2") == true)
    }
}
